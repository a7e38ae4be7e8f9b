/// `Codable` values as compact bytes, for the pipes between the pool and its workers.
///
/// Every document's request and inspection crosses a pipe, and the pool's side decodes them
/// while the workers use the same cores. As JSON, that was about a tenth of the CPU of
/// `paperwork inspect` through the pool: numbers printed and parsed, every page's text escaped
/// and unescaped, a dictionary built for every keyed container. Both ends are the same binary,
/// so the bytes need to be neither readable nor stable across versions, only bounded: a
/// malformed or truncated payload throws, it never traps.
///
/// The format: a value is a *slot*, a 4-byte little-endian length and that many bytes
/// (`0xFFFFFFFF` and no bytes for nil). Inside a slot, an integer or floating-point number is
/// its little-endian bytes at its own width, a `Bool` one byte, a `String` its UTF-8 bytes; a
/// keyed container is a run of entries, each a 2-byte key length, the key's UTF-8 and a slot;
/// an unkeyed container a run of slots. Entries come in the order they were encoded, which is
/// the order `Decodable` asks for them, so a lookup usually finds its key next.
///
/// Encoding writes straight into one buffer, so a value must finish its container before its
/// encoder's next call, as synthesized and hand-written conformances do. Nested containers and
/// super encoders are not supported: encoding with one throws, never writes wrong bytes.
enum WireCoding {
    /// Why a payload could not be decoded, or a value encoded.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The bytes of `value`, one slot.
    static func encode<Value: Encodable>(_ value: Value) throws -> [UInt8] {
        let writer = WireWriter()
        try writer.slot(value)
        if let unsupported = writer.unsupported { throw Failure(description: "wire encoding does not support \(unsupported)") }
        return writer.bytes
    }

    /// The value encoded in `bytes[range]` (all of `bytes` when nil), which must hold exactly one slot.
    static func decode<Value: Decodable>(_ type: Value.Type, from bytes: [UInt8], in range: Range<Int>? = nil) throws -> Value {
        let range = range ?? 0..<bytes.count
        guard range.lowerBound >= 0, range.upperBound <= bytes.count else { throw Failure(description: "a range outside the payload") }
        let reader = WireReader(bytes: bytes)
        let slot = try reader.slot(at: range.lowerBound, within: range)
        guard slot.next == range.upperBound else { throw Failure(description: "\(range.upperBound - slot.next) bytes after the value") }
        return try reader.value(type, in: slot.value)
    }
}

// MARK: - Encoding

/// The encoder: one buffer, written front to back.
private final class WireWriter: Encoder {
    var bytes: [UInt8] = []
    /// Set when a value used a container this format cannot write.
    var unsupported: String?

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init() { bytes.reserveCapacity(4096) }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedWriter<Key>(writer: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedWriter(writer: self) }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueWriter(writer: self) }

    // Slots.

    /// Set by a single value's `encodeNil` (an `Optional` that is nil): its slot becomes a nil slot.
    var nilRequested = false

    func slot<Value: Encodable>(_ value: Value) throws {
        let start = openSlot()
        if Value.self == [UInt8].self {
            // Bytes (a preview's PNG) go in whole, not as a slot per byte.
            bytes.append(contentsOf: unsafeBitCast(value, to: [UInt8].self))
        } else {
            nilRequested = false
            try value.encode(to: self)
            if nilRequested, bytes.count == start + 4 {
                nilRequested = false
                for i in start..<(start + 4) { bytes[i] = 0xFF }
                return
            }
        }
        closeSlot(start)
    }

    func nilSlot() { bytes.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF]) }

    func slot(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            appendLength(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    func slot<Number: FixedWidthInteger>(integer value: Number) {
        appendLength(MemoryLayout<Number>.size)
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    func slot(_ value: Bool) {
        appendLength(1)
        bytes.append(value ? 1 : 0)
    }

    func key(_ key: some CodingKey) {
        var name = key.stringValue
        name.withUTF8 { utf8 in
            let count = min(utf8.count, Int(UInt16.max))
            bytes.append(UInt8(count & 0xFF))
            bytes.append(UInt8(count >> 8))
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8.prefix(count)))
        }
    }

    private func openSlot() -> Int {
        let start = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])
        return start
    }

    private func closeSlot(_ start: Int) {
        let length = UInt32(truncatingIfNeeded: bytes.count - start - 4)
        bytes[start] = UInt8(length & 0xFF)
        bytes[start + 1] = UInt8(length >> 8 & 0xFF)
        bytes[start + 2] = UInt8(length >> 16 & 0xFF)
        bytes[start + 3] = UInt8(length >> 24)
    }

    private func appendLength(_ count: Int) {
        let length = UInt32(truncatingIfNeeded: count)
        bytes.append(UInt8(length & 0xFF))
        bytes.append(UInt8(length >> 8 & 0xFF))
        bytes.append(UInt8(length >> 16 & 0xFF))
        bytes.append(UInt8(length >> 24))
    }
}

private struct KeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: WireWriter
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil(forKey key: Key) throws { writer.key(key); writer.nilSlot() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { writer.key(key); writer.slot(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { writer.key(key); writer.slot(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { writer.key(key); writer.slot(integer: value.bitPattern) }
    mutating func encode(_ value: Float, forKey key: Key) throws { writer.key(key); writer.slot(integer: value.bitPattern) }
    mutating func encode(_ value: Int, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { writer.key(key); writer.slot(integer: value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { writer.key(key); try writer.slot(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        writer.unsupported = "nested containers"
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(writer: writer))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writer.unsupported = "nested containers"
        return UnkeyedWriter(writer: writer)
    }

    mutating func superEncoder() -> any Encoder {
        writer.unsupported = "super encoders"
        return writer
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writer.unsupported = "super encoders"
        return writer
    }
}

private struct UnkeyedWriter: UnkeyedEncodingContainer {
    let writer: WireWriter
    var codingPath: [any CodingKey] { [] }
    var count = 0

    mutating func encodeNil() throws { writer.nilSlot(); count += 1 }
    mutating func encode(_ value: Bool) throws { writer.slot(value); count += 1 }
    mutating func encode(_ value: String) throws { writer.slot(value); count += 1 }
    mutating func encode(_ value: Double) throws { writer.slot(integer: value.bitPattern); count += 1 }
    mutating func encode(_ value: Float) throws { writer.slot(integer: value.bitPattern); count += 1 }
    mutating func encode(_ value: Int) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: Int8) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: Int16) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: Int32) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: Int64) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: UInt) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: UInt8) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: UInt16) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: UInt32) throws { writer.slot(integer: value); count += 1 }
    mutating func encode(_ value: UInt64) throws { writer.slot(integer: value); count += 1 }
    mutating func encode<T: Encodable>(_ value: T) throws { try writer.slot(value); count += 1 }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        writer.unsupported = "nested containers"
        return KeyedEncodingContainer(KeyedWriter<NestedKey>(writer: writer))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        writer.unsupported = "nested containers"
        return UnkeyedWriter(writer: writer)
    }

    mutating func superEncoder() -> any Encoder {
        writer.unsupported = "super encoders"
        return writer
    }
}

/// A single value fills the slot its parent opened (or the top-level one).
private struct SingleValueWriter: SingleValueEncodingContainer {
    let writer: WireWriter
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() throws { writer.nilRequested = true }
    mutating func encode(_ value: Bool) throws { writer.bytes.append(value ? 1 : 0) }
    mutating func encode(_ value: String) throws { var value = value; value.withUTF8 { writer.bytes.append(contentsOf: $0) } }
    mutating func encode(_ value: Double) throws { raw(value.bitPattern) }
    mutating func encode(_ value: Float) throws { raw(value.bitPattern) }
    mutating func encode(_ value: Int) throws { raw(value) }
    mutating func encode(_ value: Int8) throws { raw(value) }
    mutating func encode(_ value: Int16) throws { raw(value) }
    mutating func encode(_ value: Int32) throws { raw(value) }
    mutating func encode(_ value: Int64) throws { raw(value) }
    mutating func encode(_ value: UInt) throws { raw(value) }
    mutating func encode(_ value: UInt8) throws { raw(value) }
    mutating func encode(_ value: UInt16) throws { raw(value) }
    mutating func encode(_ value: UInt32) throws { raw(value) }
    mutating func encode(_ value: UInt64) throws { raw(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: writer) }

    private func raw<Number: FixedWidthInteger>(_ value: Number) {
        withUnsafeBytes(of: value.littleEndian) { writer.bytes.append(contentsOf: $0) }
    }
}

// MARK: - Decoding

/// The decoder: the whole payload, and the range of the value being decoded. Decoding a
/// nested value moves ``current`` and puts it back, so one decoder serves the whole tree.
private final class WireReader: Decoder {
    let bytes: [UInt8]
    /// The bytes of the value being decoded; nil for a nil slot.
    var current: Range<Int>?
    /// Where the entry after the last one a keyed container found starts: the next key
    /// asked for is usually there.
    var cursor = 0

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The slot that starts at `offset` inside `bounds`: its value (nil for a nil slot) and
    /// where the next one starts.
    func slot(at offset: Int, within bounds: Range<Int>) throws -> (value: Range<Int>?, next: Int) {
        guard offset <= bounds.upperBound - 4 else { throw WireCoding.Failure(description: "a value is cut short") }
        let length = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        if length == 0xFFFF_FFFF { return (nil, offset + 4) }
        let start = offset + 4
        guard Int(length) <= bounds.upperBound - start else { throw WireCoding.Failure(description: "a value runs past its container") }
        return (start..<(start + Int(length)), start + Int(length))
    }

    /// Decodes a value of `type` from `range` (nil: a nil slot).
    func value<T: Decodable>(_ type: T.Type, in range: Range<Int>?) throws -> T {
        if T.self == [UInt8].self, let range {
            return unsafeBitCast(Array(bytes[range]), to: T.self)
        }
        let saved = (current, cursor)
        current = range
        defer { (current, cursor) = saved }
        return try T(from: self)
    }

    func present(_ range: Range<Int>?) throws -> Range<Int> {
        guard let range else { throw WireCoding.Failure(description: "nil where a value is required") }
        return range
    }

    func string(_ range: Range<Int>?) throws -> String {
        let range = try present(range)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    func number<Number: FixedWidthInteger>(_ type: Number.Type, _ range: Range<Int>?) throws -> Number {
        let range = try present(range)
        guard range.count == MemoryLayout<Number>.size else { throw WireCoding.Failure(description: "a \(Number.self) of \(range.count) bytes") }
        var value = Number.zero
        for (shift, index) in range.enumerated() { value |= Number(truncatingIfNeeded: bytes[index]) << (8 * shift) }
        return value
    }

    func bool(_ range: Range<Int>?) throws -> Bool {
        let range = try present(range)
        guard range.count == 1, bytes[range.lowerBound] <= 1 else { throw WireCoding.Failure(description: "a malformed Bool") }
        return bytes[range.lowerBound] == 1
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(KeyedReader<Key>(reader: self, body: try present(current)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { try UnkeyedReader(reader: self, body: try present(current)) }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueReader(reader: self, range: current) }
}

private struct KeyedReader<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let reader: WireReader
    let body: Range<Int>

    var codingPath: [any CodingKey] { [] }

    init(reader: WireReader, body: Range<Int>) {
        self.reader = reader
        self.body = body
        reader.cursor = body.lowerBound
    }

    var allKeys: [Key] {
        var keys: [Key] = []
        var offset = body.lowerBound
        while offset < body.upperBound, let entry = try? entry(at: offset) {
            if let name = try? reader.string(entry.name), let key = Key(stringValue: name) { keys.append(key) }
            offset = entry.next
        }
        return keys
    }

    func contains(_ key: Key) -> Bool { (try? find(key)) != nil }

    private func entry(at offset: Int) throws -> (name: Range<Int>, value: Range<Int>?, next: Int) {
        guard offset <= body.upperBound - 2 else { throw WireCoding.Failure(description: "a key is cut short") }
        let length = Int(reader.bytes[offset]) | Int(reader.bytes[offset + 1]) << 8
        let name = (offset + 2)..<(offset + 2 + length)
        guard name.upperBound <= body.upperBound else { throw WireCoding.Failure(description: "a key runs past its container") }
        let slot = try reader.slot(at: name.upperBound, within: body)
        return (name, slot.value, slot.next)
    }

    private func matches(_ name: Range<Int>, _ key: Key) -> Bool {
        var wanted = key.stringValue
        return wanted.withUTF8 { utf8 in
            utf8.count == name.count && reader.bytes.withUnsafeBufferPointer { bytes in
                utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[name]))
            }
        }
    }

    /// The value slot of `key`, looked for at the reader's cursor first (where the entry after
    /// the last one found starts), then from the start; nil when absent.
    private func find(_ key: Key) throws -> (value: Range<Int>?, next: Int)? {
        let cursor = reader.cursor
        if body.contains(cursor) {
            let entry = try entry(at: cursor)
            if matches(entry.name, key) { return (entry.value, entry.next) }
        }
        var offset = body.lowerBound
        while offset < body.upperBound {
            let entry = try entry(at: offset)
            if matches(entry.name, key) { return (entry.value, entry.next) }
            offset = entry.next
        }
        return nil
    }

    private func required(_ key: Key) throws -> Range<Int>? {
        guard let found = try find(key) else {
            throw DecodingError.keyNotFound(key, DecodingError.Context(codingPath: [], debugDescription: "no value for \(key.stringValue)"))
        }
        reader.cursor = found.next
        return found.value
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let found = try find(key) else { return true }
        if found.value == nil { reader.cursor = found.next }
        return found.value == nil
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reader.bool(required(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try reader.string(required(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { Double(bitPattern: try reader.number(UInt64.self, required(key))) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(bitPattern: try reader.number(UInt32.self, required(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reader.number(type, required(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reader.number(type, required(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reader.number(type, required(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reader.number(type, required(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reader.number(type, required(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reader.number(type, required(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reader.number(type, required(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reader.number(type, required(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reader.number(type, required(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reader.number(type, required(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reader.value(type, in: required(key)) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(KeyedReader<NestedKey>(reader: reader, body: try reader.present(required(key))))
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try UnkeyedReader(reader: reader, body: try reader.present(required(key)))
    }

    func superDecoder() throws -> any Decoder { throw WireCoding.Failure(description: "super decoders are not supported") }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw WireCoding.Failure(description: "super decoders are not supported") }
}

private struct UnkeyedReader: UnkeyedDecodingContainer {
    let reader: WireReader
    let body: Range<Int>
    let count: Int?
    var currentIndex = 0
    private var offset: Int

    var codingPath: [any CodingKey] { [] }
    var isAtEnd: Bool { offset >= body.upperBound }

    init(reader: WireReader, body: Range<Int>) throws {
        self.reader = reader
        self.body = body
        offset = body.lowerBound
        var count = 0, at = body.lowerBound
        while at < body.upperBound {
            at = try reader.slot(at: at, within: body).next
            count += 1
        }
        self.count = count
    }

    private mutating func next() throws -> Range<Int>? {
        guard !isAtEnd else { throw WireCoding.Failure(description: "an unkeyed container has no more values") }
        let slot = try reader.slot(at: offset, within: body)
        offset = slot.next
        currentIndex += 1
        return slot.value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw WireCoding.Failure(description: "an unkeyed container has no more values") }
        guard try reader.slot(at: offset, within: body).value == nil else { return false }
        _ = try next()
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(next()) }
    mutating func decode(_ type: String.Type) throws -> String { try reader.string(next()) }
    mutating func decode(_ type: Double.Type) throws -> Double { Double(bitPattern: try reader.number(UInt64.self, next())) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(bitPattern: try reader.number(UInt32.self, next())) }
    mutating func decode(_ type: Int.Type) throws -> Int { try reader.number(type, next()) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try reader.number(type, next()) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try reader.number(type, next()) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try reader.number(type, next()) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try reader.number(type, next()) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try reader.number(type, next()) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.number(type, next()) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.number(type, next()) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.number(type, next()) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.number(type, next()) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.value(type, in: next()) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        KeyedDecodingContainer(KeyedReader<NestedKey>(reader: reader, body: try reader.present(next())))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try UnkeyedReader(reader: reader, body: try reader.present(next()))
    }

    mutating func superDecoder() throws -> any Decoder { throw WireCoding.Failure(description: "super decoders are not supported") }
}

private struct SingleValueReader: SingleValueDecodingContainer {
    let reader: WireReader
    let range: Range<Int>?
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { range == nil }
    func decode(_ type: Bool.Type) throws -> Bool { try reader.bool(range) }
    func decode(_ type: String.Type) throws -> String { try reader.string(range) }
    func decode(_ type: Double.Type) throws -> Double { Double(bitPattern: try reader.number(UInt64.self, range)) }
    func decode(_ type: Float.Type) throws -> Float { Float(bitPattern: try reader.number(UInt32.self, range)) }
    func decode(_ type: Int.Type) throws -> Int { try reader.number(type, range) }
    func decode(_ type: Int8.Type) throws -> Int8 { try reader.number(type, range) }
    func decode(_ type: Int16.Type) throws -> Int16 { try reader.number(type, range) }
    func decode(_ type: Int32.Type) throws -> Int32 { try reader.number(type, range) }
    func decode(_ type: Int64.Type) throws -> Int64 { try reader.number(type, range) }
    func decode(_ type: UInt.Type) throws -> UInt { try reader.number(type, range) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try reader.number(type, range) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try reader.number(type, range) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try reader.number(type, range) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try reader.number(type, range) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try reader.value(type, in: range) }
}
