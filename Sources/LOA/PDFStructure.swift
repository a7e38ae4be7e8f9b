/// The little of a PDF's structure the signer needs, read from the bytes cairo wrote: the
/// classic cross-reference table (following `/Prev` through earlier updates), the trailer, and
/// the text of a few uncompressed dictionary objects. Anything else (cross-reference streams,
/// object streams) is refused with `pdf_structure_unsupported`, never guessed at.
struct PDFStructure {
    let bytes: [UInt8]
    /// Where the last cross-reference section starts (the value after the last `startxref`).
    let startXref: Int
    /// Byte offset of each object in use, newest update winning.
    let offsets: [Int: Int]
    /// The newest trailer's `/Size`.
    let size: Int
    /// The catalog's object number.
    let root: Int
    /// The document information dictionary's object number, if any.
    let info: Int?
    /// The newest trailer's `/ID` array, as written.
    let idArray: String?

    init(_ bytes: [UInt8]) throws(LOAError) {
        self.bytes = bytes
        guard let startKeyword = PDFBytes.lastIndex(of: "startxref", in: bytes, searchingFrom: max(0, bytes.count - 1024)),
              let (offset, _) = PDFBytes.integer(in: bytes, at: PDFBytes.skipWhitespace(bytes, startKeyword + 9)),
              offset >= 0, offset < bytes.count else {
            throw Self.unsupported("no startxref near the end of the file")
        }
        startXref = offset
        var offsets: [Int: Int] = [:]
        var trailer: String?
        var section: Int? = offset
        var visited: Set<Int> = []
        while let position = section, visited.insert(position).inserted, visited.count <= 32 {
            let (entries, trailerText) = try Self.readSection(bytes, at: position)
            for (number, objectOffset) in entries where offsets[number] == nil { offsets[number] = objectOffset }
            if trailer == nil { trailer = trailerText }
            section = PDFDictionary(trailerText).integer("Prev")
        }
        guard let trailer, let size = PDFDictionary(trailer).integer("Size"), let root = PDFDictionary(trailer).reference("Root") else {
            throw Self.unsupported("the trailer has no /Size or /Root")
        }
        self.offsets = offsets
        self.size = size
        self.root = root
        info = PDFDictionary(trailer).reference("Info")
        idArray = PDFDictionary(trailer).array("ID")
    }

    /// Reads one `xref` section and the `trailer` dictionary after it.
    private static func readSection(_ bytes: [UInt8], at position: Int) throws(LOAError) -> ([(Int, Int)], String) {
        guard PDFBytes.matches("xref", in: bytes, at: position) else {
            throw unsupported("no classic cross-reference table at \(position) (a cross-reference stream?)")
        }
        var cursor = PDFBytes.skipWhitespace(bytes, position + 4)
        var entries: [(Int, Int)] = []
        while !PDFBytes.matches("trailer", in: bytes, at: cursor) {
            guard let (first, afterFirst) = PDFBytes.integer(in: bytes, at: cursor),
                  let (count, afterCount) = PDFBytes.integer(in: bytes, at: PDFBytes.skipWhitespace(bytes, afterFirst)),
                  first >= 0, count >= 0, count < 10_000_000 else {
                throw unsupported("a malformed cross-reference subsection at \(cursor)")
            }
            cursor = PDFBytes.skipWhitespace(bytes, afterCount)
            for index in 0..<count {
                // Each entry is exactly 20 bytes: "oooooooooo ggggg n\r\n".
                guard cursor + 20 <= bytes.count, let (objectOffset, _) = PDFBytes.integer(in: bytes, at: cursor) else {
                    throw unsupported("a truncated cross-reference table")
                }
                if bytes[cursor + 17] == UInt8(ascii: "n") { entries.append((first + index, objectOffset)) }
                cursor += 20
            }
            cursor = PDFBytes.skipWhitespace(bytes, cursor)
        }
        cursor = PDFBytes.skipWhitespace(bytes, cursor + 7)
        guard let dictionary = PDFBytes.dictionaryText(in: bytes, at: cursor) else {
            throw unsupported("no trailer dictionary")
        }
        return (entries, dictionary)
    }

    /// The text of object `number`'s dictionary (without the outer `<<` `>>`); refuses streams.
    func dictionary(of number: Int) throws(LOAError) -> String {
        guard let offset = offsets[number], offset < bytes.count,
              let header = PDFBytes.integer(in: bytes, at: offset), header.value == number,
              let objKeyword = PDFBytes.firstIndex(of: "obj", in: bytes, from: header.end, limit: header.end + 32) else {
            throw Self.unsupported("object \(number) is not where the cross-reference table says")
        }
        let start = PDFBytes.skipWhitespace(bytes, objKeyword + 3)
        guard let text = PDFBytes.dictionaryText(in: bytes, at: start) else {
            throw Self.unsupported("object \(number) is not a dictionary")
        }
        return text
    }

    static func unsupported(_ message: String) -> LOAError {
        LOAError(code: LOAError.Code.pdfStructureUnsupported, message: message)
    }
}

/// A dictionary's text with naive lookups by key, enough for what cairo writes (no nested
/// dictionaries are searched: a key is found only at its own level, outside strings).
struct PDFDictionary {
    let text: String
    init(_ text: String) { self.text = text }

    /// The top-level tokens of the dictionary, with nested `<<…>>`, `[…]`, `(…)` kept whole.
    var topLevelEntries: [(key: String, value: String)] {
        let scalars = Array(text.unicodeScalars)
        var entries: [(String, String)] = []
        var index = 0
        func skipSpaceAndComments() {
            while index < scalars.count {
                if scalars[index] == "%" {
                    while index < scalars.count, scalars[index] != "\n", scalars[index] != "\r" { index += 1 }
                } else if " \t\r\n\u{0C}\0".unicodeScalars.contains(scalars[index]) {
                    index += 1
                } else { return }
            }
        }
        func readName() -> String? {
            guard index < scalars.count, scalars[index] == "/" else { return nil }
            var name = ""
            index += 1
            while index < scalars.count, !" \t\r\n\u{0C}\0/<>[]()%".unicodeScalars.contains(scalars[index]) {
                name.unicodeScalars.append(scalars[index]); index += 1
            }
            return name
        }
        func readValue() -> String {
            let start = index
            var depth = 0
            var inString = 0
            while index < scalars.count {
                let c = scalars[index]
                if inString > 0 {
                    if c == "\\" { index += 2; continue }
                    if c == "(" { inString += 1 } else if c == ")" { inString -= 1 }
                    index += 1
                    if inString == 0 && depth == 0 { break }
                    continue
                }
                if c == "(" { inString = 1; index += 1; continue }
                if c == "[" || (c == "<" && index + 1 < scalars.count && scalars[index + 1] == "<") {
                    depth += 1; index += c == "[" ? 1 : 2; continue
                }
                if c == "]" || (c == ">" && index + 1 < scalars.count && scalars[index + 1] == ">") {
                    depth -= 1; index += c == "]" ? 1 : 2
                    if depth <= 0 { break }
                    continue
                }
                if depth == 0 && (c == "/" && index > start || c == "%") { break }
                if depth == 0 && index > start && (c == "\n" || c == "\r") {
                    // End of a simple value such as "3 0 R" or an integer.
                    break
                }
                index += 1
            }
            var value = ""
            value.unicodeScalars.append(contentsOf: scalars[start..<min(index, scalars.count)])
            return value.trimmingSpaces
        }
        while true {
            skipSpaceAndComments()
            guard let key = readName() else { break }
            skipSpaceAndComments()
            let value = readValue()
            entries.append((key, value))
        }
        return entries
    }

    /// The raw value text of `key`, if present at the top level.
    func value(_ key: String) -> String? { topLevelEntries.first { $0.key == key }?.value }

    /// An integer value.
    func integer(_ key: String) -> Int? { value(key).flatMap { Int($0) } }

    /// An indirect reference `n g R`, as its object number.
    func reference(_ key: String) -> Int? {
        guard let parts = value(key)?.split(separator: " "), parts.count == 3, parts[2] == "R" else { return nil }
        return Int(parts[0])
    }

    /// An array value, brackets included.
    func array(_ key: String) -> String? {
        guard let value = value(key), value.hasPrefix("[") else { return nil }
        return value
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, " \t\r\n\u{0C}\0".unicodeScalars.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, " \t\r\n\u{0C}\0".unicodeScalars.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}

/// Byte-level helpers over a PDF file.
enum PDFBytes {
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0x0C || byte == 0x00
    }

    static func skipWhitespace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, isWhitespace(bytes[index]) { index += 1 }
        return index
    }

    static func matches(_ word: String, in bytes: [UInt8], at index: Int) -> Bool {
        let utf8 = Array(word.utf8)
        return index >= 0 && index + utf8.count <= bytes.count && bytes[index..<index + utf8.count].elementsEqual(utf8)
    }

    /// The last start of `word` at or after `from`.
    static func lastIndex(of word: String, in bytes: [UInt8], searchingFrom from: Int = 0) -> Int? {
        let utf8 = Array(word.utf8)
        guard bytes.count >= utf8.count else { return nil }
        var index = bytes.count - utf8.count
        while index >= from {
            if bytes[index] == utf8[0], bytes[index..<index + utf8.count].elementsEqual(utf8) { return index }
            index -= 1
        }
        return nil
    }

    /// The first start of `word` in `from..<limit`.
    static func firstIndex(of word: String, in bytes: [UInt8], from: Int, limit: Int? = nil) -> Int? {
        let utf8 = Array(word.utf8)
        let end = min(limit ?? bytes.count, bytes.count) - utf8.count
        guard from <= end else { return nil }
        for index in from...end where bytes[index] == utf8[0] && bytes[index..<index + utf8.count].elementsEqual(utf8) {
            return index
        }
        return nil
    }

    /// A non-negative decimal integer starting at `index`, and the index after it.
    static func integer(in bytes: [UInt8], at index: Int) -> (value: Int, end: Int)? {
        var cursor = index
        var value = 0
        while cursor < bytes.count, bytes[cursor] >= 0x30, bytes[cursor] <= 0x39, cursor - index < 18 {
            value = value * 10 + Int(bytes[cursor] - 0x30)
            cursor += 1
        }
        return cursor > index ? (value, cursor) : nil
    }

    /// The text inside a `<<…>>` starting at `index` (outer brackets removed), balancing nested
    /// dictionaries and skipping strings; nil if none.
    static func dictionaryText(in bytes: [UInt8], at index: Int) -> String? {
        guard matches("<<", in: bytes, at: index) else { return nil }
        var depth = 0
        var cursor = index
        var stringDepth = 0
        while cursor + 1 < bytes.count {
            let byte = bytes[cursor]
            if stringDepth > 0 {
                if byte == UInt8(ascii: "\\") { cursor += 2; continue }
                if byte == UInt8(ascii: "(") { stringDepth += 1 }
                if byte == UInt8(ascii: ")") { stringDepth -= 1 }
                cursor += 1
                continue
            }
            if byte == UInt8(ascii: "(") { stringDepth = 1; cursor += 1; continue }
            if byte == UInt8(ascii: "<"), bytes[cursor + 1] == UInt8(ascii: "<") { depth += 1; cursor += 2; continue }
            if byte == UInt8(ascii: ">"), bytes[cursor + 1] == UInt8(ascii: ">") {
                depth -= 1
                cursor += 2
                if depth == 0 { return String(decoding: bytes[index + 2..<cursor - 2], as: UTF8.self) }
                continue
            }
            cursor += 1
        }
        return nil
    }
}
