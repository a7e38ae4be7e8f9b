import Foundation

/// `Encodable` values as one line of JSON with sorted keys: what `paperwork inspect --json`
/// prints, byte for byte what Foundation's `JSONEncoder` prints with `.sortedKeys` and
/// `.withoutEscapingSlashes`, at a fraction of its cost.
///
/// `JSONEncoder` builds a tree of every value, with a dictionary per object, before it writes
/// anything; for `inspect`, whose pages' text and evidence make hundreds of values a file,
/// that was 3–4 % of the CPU of a whole run in process. This writes each value where it
/// belongs as it is encoded, and sorts an object's members when the object is done, by moving
/// their bytes. A value must finish its container before its encoder's next call, as
/// synthesized and hand-written conformances do; nested containers and super encoders are not
/// supported and make encoding throw.
enum JSONLineWriter {
    /// Why a value could not be written.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The JSON of `value`, without a line break.
    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let writer = SortedJSONEncoder()
        try writer.value(value)
        if let failure = writer.failure { throw failure }
        return writer.bytes
    }
}

private final class SortedJSONEncoder: Encoder {
    /// What the value being written turned out to be.
    enum Shape {
        /// Nothing asked for a container yet.
        case undecided
        /// An object, with its members' keys and where their values lie in ``bytes``.
        case object([(key: String, value: Range<Int>)])
        /// An array with this many elements written.
        case array(Int)
        /// A single value, written.
        case single
    }

    var bytes: [UInt8] = []
    /// The values being written, innermost last.
    var open: [Shape] = []
    var failure: JSONLineWriter.Failure?

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init() { bytes.reserveCapacity(4096) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        switch open[open.count - 1] {
        case .undecided: open[open.count - 1] = .object([])
        case .object: break  // a second keyed container of the same value adds to its object
        case .array, .single: failure = JSONLineWriter.Failure(description: "a value asked for two kinds of container")
        }
        return KeyedEncodingContainer(SortedKeyedWriter<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .undecided = open[open.count - 1] {
            open[open.count - 1] = .array(0)
            bytes.append(UInt8(ascii: "["))
        } else {
            failure = JSONLineWriter.Failure(description: "a value asked for two containers")
        }
        return SortedUnkeyedWriter(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SortedSingleValueWriter(encoder: self)
    }

    /// Writes one value where the bytes end.
    func value<Value: Encodable>(_ value: Value) throws {
        let start = bytes.count
        open.append(.undecided)
        try value.encode(to: self)
        switch open.removeLast() {
        case .undecided:
            bytes.append(contentsOf: Array("{}".utf8))
        case .single:
            break
        case .array:
            bytes.append(UInt8(ascii: "]"))
        case let .object(members):
            close(members, from: start)
        }
    }

    /// Rewrites an object's members, written in encoding order from `start`, sorted by key as
    /// `JSONEncoder` sorts them (by their UTF-8), the last value winning for a key given twice.
    private func close(_ members: [(key: String, value: Range<Int>)], from start: Int) {
        let written = Array(bytes[start...])
        bytes.removeSubrange(start...)
        var order = Array(members.indices)
        order.sort { a, b in
            let (x, y) = (members[a].key, members[b].key)
            return x == y ? a < b : x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (position, index) in order.enumerated() {
            if position + 1 < order.count, members[order[position + 1]].key == members[index].key { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            string(members[index].key)
            bytes.append(UInt8(ascii: ":"))
            let range = members[index].value
            bytes.append(contentsOf: written[(range.lowerBound - start)..<(range.upperBound - start)])
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Records the member just written, from `start`, in the innermost object.
    func recordMember(key: String, start: Int) {
        guard case var .object(members) = open[open.count - 1] else { return }
        open[open.count - 1] = .undecided  // release the array's storage while it grows
        members.append((key, start..<bytes.count))
        open[open.count - 1] = .object(members)
    }

    func elementWillStart() {
        guard case let .array(count) = open[open.count - 1] else { return }
        if count > 0 { bytes.append(UInt8(ascii: ",")) }
        open[open.count - 1] = .array(count + 1)
    }

    func markSingle() {
        if case .undecided = open[open.count - 1] {
            open[open.count - 1] = .single
        } else {
            failure = JSONLineWriter.Failure(description: "a value asked for two containers")
        }
    }

    // Primitives, as JSONEncoder writes them.

    func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var plainFrom = 0
            for (i, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainFrom..<i]))
                plainFrom = i + 1
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[plainFrom...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    func integer(_ value: some BinaryInteger) {
        bytes.append(contentsOf: value.description.utf8)
    }

    func floating<Number: BinaryFloatingPoint & CustomStringConvertible>(_ value: Number) throws {
        guard value.isFinite else { throw JSONLineWriter.Failure(description: "\(value) has no JSON form") }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    func bool(_ value: Bool) { bytes.append(contentsOf: (value ? "true" : "false").utf8) }

    func null() { bytes.append(contentsOf: "null".utf8) }
}

private struct SortedKeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: SortedJSONEncoder
    var codingPath: [any CodingKey] { [] }

    private func member(_ key: Key, _ write: () throws -> Void) rethrows {
        let start = encoder.bytes.count
        try write()
        encoder.recordMember(key: key.stringValue, start: start)
    }

    mutating func encodeNil(forKey key: Key) throws { member(key) { encoder.null() } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { member(key) { encoder.bool(value) } }
    mutating func encode(_ value: String, forKey key: Key) throws { member(key) { encoder.string(value) } }
    mutating func encode(_ value: Double, forKey key: Key) throws { try member(key) { try encoder.floating(value) } }
    mutating func encode(_ value: Float, forKey key: Key) throws { try member(key) { try encoder.floating(value) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: Int8, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: Int16, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: Int32, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: Int64, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: UInt, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { member(key) { encoder.integer(value) } }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try member(key) { try encoder.value(value) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.failure = JSONLineWriter.Failure(description: "nested containers are not supported")
        return KeyedEncodingContainer(SortedKeyedWriter<NestedKey>(encoder: encoder))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.failure = JSONLineWriter.Failure(description: "nested containers are not supported")
        return SortedUnkeyedWriter(encoder: encoder)
    }

    mutating func superEncoder() -> any Encoder {
        encoder.failure = JSONLineWriter.Failure(description: "super encoders are not supported")
        return encoder
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        encoder.failure = JSONLineWriter.Failure(description: "super encoders are not supported")
        return encoder
    }
}

private struct SortedUnkeyedWriter: UnkeyedEncodingContainer {
    let encoder: SortedJSONEncoder
    var codingPath: [any CodingKey] { [] }
    var count = 0

    private func element(_ write: () throws -> Void) rethrows {
        encoder.elementWillStart()
        try write()
    }

    mutating func encodeNil() throws { element { encoder.null() }; count += 1 }
    mutating func encode(_ value: Bool) throws { element { encoder.bool(value) }; count += 1 }
    mutating func encode(_ value: String) throws { element { encoder.string(value) }; count += 1 }
    mutating func encode(_ value: Double) throws { try element { try encoder.floating(value) }; count += 1 }
    mutating func encode(_ value: Float) throws { try element { try encoder.floating(value) }; count += 1 }
    mutating func encode(_ value: Int) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: Int8) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: Int16) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: Int32) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: Int64) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: UInt) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: UInt8) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: UInt16) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: UInt32) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode(_ value: UInt64) throws { element { encoder.integer(value) }; count += 1 }
    mutating func encode<T: Encodable>(_ value: T) throws { try element { try encoder.value(value) }; count += 1 }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        encoder.failure = JSONLineWriter.Failure(description: "nested containers are not supported")
        return KeyedEncodingContainer(SortedKeyedWriter<NestedKey>(encoder: encoder))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        encoder.failure = JSONLineWriter.Failure(description: "nested containers are not supported")
        return SortedUnkeyedWriter(encoder: encoder)
    }

    mutating func superEncoder() -> any Encoder {
        encoder.failure = JSONLineWriter.Failure(description: "super encoders are not supported")
        return encoder
    }
}

private struct SortedSingleValueWriter: SingleValueEncodingContainer {
    let encoder: SortedJSONEncoder
    var codingPath: [any CodingKey] { [] }

    private func single(_ write: () throws -> Void) rethrows {
        encoder.markSingle()
        try write()
    }

    mutating func encodeNil() throws { single { encoder.null() } }
    mutating func encode(_ value: Bool) throws { single { encoder.bool(value) } }
    mutating func encode(_ value: String) throws { single { encoder.string(value) } }
    mutating func encode(_ value: Double) throws { try single { try encoder.floating(value) } }
    mutating func encode(_ value: Float) throws { try single { try encoder.floating(value) } }
    mutating func encode(_ value: Int) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: Int8) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: Int16) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: Int32) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: Int64) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: UInt) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: UInt8) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: UInt16) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: UInt32) throws { single { encoder.integer(value) } }
    mutating func encode(_ value: UInt64) throws { single { encoder.integer(value) } }
    mutating func encode<T: Encodable>(_ value: T) throws {
        // A single value that encodes another (a wrapper): the inner one fills the same place.
        try value.encode(to: encoder)
    }
}
