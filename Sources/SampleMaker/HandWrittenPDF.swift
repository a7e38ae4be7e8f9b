import Foundation

/// A tiny PDF object writer: numbered objects, streams, a correct cross-reference table and
/// trailer. Used for the samples whose whole point is a specific dangerous structure
/// (JavaScript, launch actions, attachments) that no drawing library would emit.
struct HandWrittenPDF {
    private var bodies: [Int: [UInt8]] = [:]
    private var nextNumber = 1

    /// Reserves an object number, so objects can refer to each other before they are written.
    mutating func reserve() -> Int {
        defer { nextNumber += 1 }
        return nextNumber
    }

    /// Sets object `number` to a dictionary, array or other direct value.
    mutating func set(_ number: Int, _ body: String) {
        bodies[number] = Array(body.utf8)
    }

    /// Adds an object and returns its number.
    mutating func add(_ body: String) -> Int {
        let number = reserve()
        set(number, body)
        return number
    }

    /// Adds a stream object; `dictionary` holds the entries other than /Length.
    mutating func addStream(_ data: [UInt8], dictionary: String = "") -> Int {
        let number = reserve()
        bodies[number] = Array("<< \(dictionary) /Length \(data.count) >>\nstream\n".utf8) + data + Array("\nendstream".utf8)
        return number
    }

    /// Serialises the file with `root` as the catalog and optional `info` dictionary.
    func bytes(root: Int, info: Int? = nil) -> [UInt8] {
        var output = Array("%PDF-1.7\n".utf8) + [0x25, 0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
        var offsets: [Int] = []
        let count = nextNumber - 1
        for number in 1...count {
            offsets.append(output.count)
            output += Array("\(number) 0 obj\n".utf8) + (bodies[number] ?? Array("null".utf8)) + Array("\nendobj\n".utf8)
        }
        let xrefOffset = output.count
        var xref = "xref\n0 \(count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            xref += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        xref += "trailer\n<< /Size \(count + 1) /Root \(root) 0 R"
        if let info { xref += " /Info \(info) 0 R" }
        xref += " >>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        return output + Array(xref.utf8)
    }

    /// The lines of the hand-written certificate's page.
    static func certificateLines(companyName: String, extraLines: [String] = []) -> [(font: String, size: Int, x: Int, y: Int, text: String)] {
        var lines: [(font: String, size: Int, x: Int, y: Int, text: String)] = [
            ("F2", 20, 120, 720, "Certificate of Incorporation"),
            ("F1", 12, 120, 690, "of a Private Limited Company"),
            ("F1", 12, 120, 640, "Company Number 12345678"),
            ("F1", 11, 72, 600, "The Registrar of Companies for England and Wales, hereby certifies that"),
            ("F2", 16, 72, 570, companyName),
            ("F1", 11, 72, 540, "is this day incorporated under the Companies Act 2006 as a private company,"),
            ("F1", 11, 72, 524, "that the company is limited by shares, and the situation of its registered"),
            ("F1", 11, 72, 508, "office is in England and Wales."),
            ("F1", 11, 72, 470, "Given at Companies House, Cardiff, on 15th March 2024."),
        ]
        for (index, line) in extraLines.enumerated() {
            lines.append(("F1", 10, 72, 400 - index * 16, line))
        }
        lines.append(("F1", 7, 72, 60, "Hostile specimen written by the Paperwork sample maker - fictional company."))
        return lines
    }

    /// The content stream of a page of lines of text in a frame.
    static func pageContent(_ lines: [(font: String, size: Int, x: Int, y: Int, text: String)]) -> String {
        var content = "0.11 0.18 0.37 RG 2 w 50 50 495.28 741.89 re S\n"
        for line in lines {
            content += "BT /\(line.font) \(line.size) Tf \(line.x) \(line.y) Td \(literal(line.text)) Tj ET\n"
        }
        return content
    }

    /// `base` with an incremental update appended, as PDF editors save: the objects in
    /// `objects` (new numbers, or existing ones redefined) after the original bytes, a
    /// cross-reference section for them alone, and a trailer pointing back to the previous
    /// one. The original bytes are untouched, so the first revision can still be read.
    static func appendingUpdate(to base: [UInt8], objects: [Int: [UInt8]], root: Int, info: Int?) -> [UInt8] {
        let text = String(decoding: base, as: UTF8.self)
        guard let startxref = text.range(of: "startxref", options: .backwards),
              let previous = Int(text[startxref.upperBound...].split(whereSeparator: \.isWhitespace).first ?? ""),
              let sizeRange = text.range(of: "/Size ", options: .backwards),
              let size = Int(text[sizeRange.upperBound...].prefix(while: \.isNumber)) else { return base }
        var output = base
        var offsets: [Int: Int] = [:]
        for number in objects.keys.sorted() {
            offsets[number] = output.count
            output += Array("\(number) 0 obj\n".utf8) + objects[number]! + Array("\nendobj\n".utf8)
        }
        let xrefOffset = output.count
        var xref = "xref\n"
        for number in objects.keys.sorted() {
            let digits = String(offsets[number]!)
            xref += "\(number) 1\n" + String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        let newSize = max(size, (objects.keys.max() ?? 0) + 1)
        xref += "trailer\n<< /Size \(newSize) /Root \(root) 0 R"
        if let info { xref += " /Info \(info) 0 R" }
        xref += " /Prev \(previous) >>\nstartxref\n\(xrefOffset)\n%%EOF\n"
        return output + Array(xref.utf8)
    }

    /// Escapes a string for a PDF literal string `( … )`.
    static func literal(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "(", ")", "\\": escaped += "\\\(character)"
            default: escaped.append(character)
            }
        }
        return "(\(escaped))"
    }

    /// A one-page certificate-looking document (base-14 Helvetica, so no font is embedded) and
    /// a hook to add hostile entries to the catalog and page. Returns the finished file.
    static func certificate(
        title: String,
        companyName: String = "NORTHWIND CONNECT LIMITED",
        extraLines: [String] = [],
        extraContent: String = "",
        catalogExtras: (inout HandWrittenPDF) -> String = { _ in "" },
        pageExtras: (inout HandWrittenPDF) -> String = { _ in "" }
    ) -> [UInt8] {
        var pdf = HandWrittenPDF()
        let catalog = pdf.reserve()
        let pages = pdf.reserve()
        let page = pdf.reserve()
        let font = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        let bold = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        let lines = certificateLines(companyName: companyName, extraLines: extraLines)
        let contents = pdf.addStream(Array((pageContent(lines) + extraContent).utf8))
        let pageExtra = pageExtras(&pdf)
        pdf.set(page, "<< /Type /Page /Parent \(pages) 0 R /MediaBox [0 0 595.28 841.89] /Contents \(contents) 0 R /Resources << /Font << /F1 \(font) 0 R /F2 \(bold) 0 R >> >> \(pageExtra) >>")
        pdf.set(pages, "<< /Type /Pages /Kids [\(page) 0 R] /Count 1 >>")
        let catalogExtra = catalogExtras(&pdf)
        pdf.set(catalog, "<< /Type /Catalog /Pages \(pages) 0 R \(catalogExtra) >>")
        let info = pdf.add("<< /Title \(literal(title)) /Producer (Paperwork sample maker) /CreationDate (D:20240315100000Z) >>")
        return pdf.bytes(root: catalog, info: info)
    }
}
