// Whether a PDF's incremental updates can have changed what a page shows, read from the
// update sections' own bytes, before any page is rendered again.
//
// Comparing the first revision with the last page by page means opening and extracting the
// document twice, which costs three times a whole inspection. Most files with updates are
// genuine registry e-extracts whose one update adds a signature: a signature dictionary, its
// widget and field, the AcroForm, the catalog pointing to it, the page gaining an /Annots
// entry. When every object the updates define is of that kind, no page can show anything
// else, and the comparison is skipped. Anything else (another object, a page whose other
// entries changed, objects compressed in an object stream that raw bytes do not show) means
// "maybe", and the pages are compared.

/// Reads the objects defined after the first revision.
enum RevisionUpdateScan {
    /// True only when every object the updates define is a signature, annotation, form,
    /// catalog (with the same page tree), information or metadata object, or a page whose
    /// dictionary equals its first revision's but for `/Annots`.
    static func onlyAnnotatesOrSigns(_ bytes: UnsafeRawBufferPointer, revisionEnds: [Int]) -> Bool {
        guard revisionEnds.count > 1, let firstEnd = revisionEnds.first, firstEnd < bytes.count else { return false }
        let b = bytes.bindMemory(to: UInt8.self)
        let original = UnsafeBufferPointer(rebasing: b[0..<firstEnd])
        let updates = UnsafeBufferPointer(rebasing: b[firstEnd..<b.count])
        let objects = definitions(in: updates)
        guard !objects.isEmpty else { return false }
        // The first revision's objects by number, read once (a hostile update may redefine
        // thousands of pages).
        var earlier: [Int: Definition]?
        func latestDefinition(of number: Int) -> Definition? {
            if earlier == nil {
                earlier = Dictionary(definitions(in: original).map { ($0.number, $0) }, uniquingKeysWith: { _, last in last })
            }
            return earlier?[number]
        }
        for object in objects {
            let body = normalized(object.body)
            if object.isStream {
                // XMP metadata and the update's own cross-reference stream draw nothing; any
                // other stream (a form, an image, page content) might.
                guard has("/Type/Metadata", in: body) || has("/Type/XRef", in: body) else { return false }
                continue
            }
            if has("/Type/Page", in: body) {
                guard let before = latestDefinition(of: object.number),
                      withoutEntry("/Annots", normalized(before.body)) == withoutEntry("/Annots", body) else { return false }
                continue
            }
            if has("/Type/Catalog", in: body) {
                guard let before = latestDefinition(of: object.number),
                      entry("/Pages", in: normalized(before.body)) == entry("/Pages", in: body), entry("/Pages", in: body) != nil else { return false }
                continue
            }
            let harmless = ["/Type/Sig", "/FT/Sig", "/Subtype/Widget", "/Type/Annot", "/Fields", "/SigFlags", "/Producer", "/ModDate", "/Type/SigRef", "/Type/DocTimeStamp"]
            guard harmless.contains(where: { has($0, in: body) }) else { return false }
        }
        return true
    }

    /// One `N G obj … endobj`.
    struct Definition {
        var number: Int
        var body: [UInt8]
        var isStream: Bool
    }

    /// The objects defined in `region`, in order. A stream's data is skipped to its
    /// `endstream`, so bytes inside it are never read as objects.
    static func definitions(in region: UnsafeBufferPointer<UInt8>) -> [Definition] {
        var found: [Definition] = []
        let keyword = Array("obj".utf8), end = Array("endobj".utf8), stream = Array("stream".utf8), endstream = Array("endstream".utf8)
        var i = 0
        while let at = PDFByteScan.find(keyword, in: region, from: i, to: region.count) {
            i = at + keyword.count
            // "N G obj": digits, white space, digits, white space, then the keyword, and not "endobj".
            guard at > 0, PDFByteScan.isWhiteSpace(region[at - 1]), let (number, _) = objectNumber(endingBefore: at - 1, in: region) else { continue }
            guard let close = PDFByteScan.find(end, in: region, from: i, to: region.count) else { break }
            // `stream` as a keyword: after the dictionary's ">>" (and white space), before the object ends.
            var streamAt: Int?
            var from = i
            while let candidate = PDFByteScan.find(stream, in: region, from: from, to: close) {
                var k = candidate - 1
                while k >= i, PDFByteScan.isWhiteSpace(region[k]) { k -= 1 }
                if k >= i + 1, region[k] == UInt8(ascii: ">"), region[k - 1] == UInt8(ascii: ">") {
                    streamAt = candidate
                    break
                }
                from = candidate + stream.count
            }
            if let streamAt {
                found.append(Definition(number: number, body: Array(region[i..<streamAt]), isStream: true))
                guard let dataEnd = PDFByteScan.find(endstream, in: region, from: streamAt + stream.count, to: region.count),
                      let objectEnd = PDFByteScan.find(end, in: region, from: dataEnd + endstream.count, to: region.count) else { break }
                i = objectEnd + end.count
            } else {
                found.append(Definition(number: number, body: Array(region[i..<close]), isStream: false))
                i = close + end.count
            }
        }
        return found
    }

    /// Reads "N G" backwards from the white space before `obj`.
    static func objectNumber(endingBefore index: Int, in b: UnsafeBufferPointer<UInt8>) -> (Int, Int)? {
        var j = index
        while j >= 0, PDFByteScan.isWhiteSpace(b[j]) { j -= 1 }
        func digits() -> Int? {
            var value = 0, scale = 1, count = 0
            while j >= 0, b[j] >= 0x30, b[j] <= 0x39, count < 10 {
                value += Int(b[j] - 0x30) * scale
                scale *= 10
                count += 1
                j -= 1
            }
            return count > 0 ? value : nil
        }
        guard let generation = digits(), j >= 0, PDFByteScan.isWhiteSpace(b[j]) else { return nil }
        while j >= 0, PDFByteScan.isWhiteSpace(b[j]) { j -= 1 }
        guard let number = digits() else { return nil }
        return (number, generation)
    }

    /// A dictionary's text with comments dropped and white space removed where PDF does not
    /// need it, so that "/Type /Page % 1" and "/Type/Page" compare equal. Literal strings are
    /// kept as they are.
    static func normalized(_ body: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var pendingSpace = false
        var i = 0
        while i < body.count {
            let c = body[i]
            if c == UInt8(ascii: "%") {
                while i < body.count, body[i] != 0x0A, body[i] != 0x0D { i += 1 }
                pendingSpace = true
                continue
            }
            if PDFByteScan.isWhiteSpace(c) {
                pendingSpace = true
                i += 1
                continue
            }
            if pendingSpace, let last = out.last, !PDFByteScan.isDelimiter(c), !PDFByteScan.isDelimiter(last) { out.append(0x20) }
            pendingSpace = false
            if c == UInt8(ascii: "(") {
                var depth = 0
                while i < body.count {
                    let d = body[i]
                    out.append(d)
                    i += 1
                    if d == UInt8(ascii: "\\"), i < body.count { out.append(body[i]); i += 1; continue }
                    if d == UInt8(ascii: "(") { depth += 1 }
                    if d == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                }
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a normalized dictionary has `name` (e.g. "/Type/Page") as a whole name, not
    /// as the start of a longer one ("/Type/Pages").
    static func has(_ name: String, in body: String) -> Bool {
        var from = body.startIndex
        while let range = body.range(of: name, range: from..<body.endIndex) {
            if range.upperBound == body.endIndex || !(body[range.upperBound].isLetter || body[range.upperBound].isNumber) { return true }
            from = range.upperBound
        }
        return false
    }

    /// The value of `/Key` in a normalized dictionary: an indirect reference or a bracketed
    /// array, as text.
    static func entry(_ key: String, in body: String) -> Substring? {
        guard let range = body.range(of: key) else { return nil }
        let rest = body[range.upperBound...]
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            return rest[...close]
        }
        // "12 0 R"
        var end = rest.startIndex
        var parts = 0
        while end < rest.endIndex, parts < 3 {
            while end < rest.endIndex, rest[end] == " " { end = rest.index(after: end) }
            let start = end
            while end < rest.endIndex, rest[end] != " ", rest[end] != "/", rest[end] != ">" { end = rest.index(after: end) }
            if start == end { break }
            parts += 1
        }
        return rest[rest.startIndex..<end]
    }

    /// A normalized dictionary without one entry.
    static func withoutEntry(_ key: String, _ body: String) -> String {
        guard let range = body.range(of: key), let value = entry(key, in: body) else { return body }
        return String(body[..<range.lowerBound]) + String(body[value.endIndex...])
    }
}
