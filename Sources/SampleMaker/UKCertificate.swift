import Drawing

/// Companies House (England and Wales) certificate of incorporation of a private limited
/// company, for the fictional NORTHWIND CONNECT LIMITED.
enum UKCertificate {
    static let companyName = "NORTHWIND CONNECT LIMITED"
    static let companyNumber = "12345678"

    static let metadata = PDFMetadata(
        title: "Certificate of Incorporation - \(companyName)",
        author: "Registrar of Companies for England and Wales",
        subject: "Certificate of incorporation of a private limited company, company number \(companyNumber)",
        creator: "Paperwork sample maker",
        creationDate: "2024-03-15T10:12:00Z"
    )

    /// How a forger changed the certificate, for the tampered samples.
    enum Tampering {
        /// The genuine certificate.
        case none
        /// The company name typed again in another font, as when a value is pasted in.
        case pastedName(String, font: String)
        /// A white box over the company number, and another number typed on it.
        case whitedOutNumber(String)
        /// The company number replaced by another typed in a smaller size, in the same face.
        case resizedNumber(String, size: Double)
    }

    /// Draws the single page; used both for the text PDF and for the fake scan.
    static func draw(on canvas: Canvas, tampering: Tampering = .none) {
        let page = canvas.pageSize
        let navy = Color(hex: 0x1D2F5E)
        let ink = Color(hex: 0x161616)
        Ornaments.guillocheBorder(on: canvas, rect: Rect(x: 28, y: 28, width: page.width - 56, height: page.height - 56), band: 16, color: navy)
        // Faint rosettes in the corners, part of the security print.
        for corner in [Point(x: 70, y: 70), Point(x: page.width - 70, y: 70), Point(x: 70, y: page.height - 70), Point(x: page.width - 70, y: page.height - 70)] {
            Ornaments.rosette(on: canvas, center: corner, radius: 20, lobes: 7, loops: 3, color: navy.withAlpha(0.35))
        }

        Ornaments.crest(on: canvas, center: Point(x: page.width / 2, y: 118), scale: 1.25, color: navy)

        var y = 170.0
        for (line, size) in [("CERTIFICATE OF INCORPORATION", 21.0), ("OF A", 12.0), ("PRIVATE LIMITED COMPANY", 17.0)] {
            y += canvas.text(line, at: Point(x: page.width / 2, y: y), font: FontFamily.serif, size: size, weight: .bold, color: navy, alignment: .center, letterSpacing: 1.2).height + 4
        }
        y += 22
        let numberLine: Size
        if case let .resizedNumber(forged, size) = tampering {
            numberLine = canvas.text("Company Number", at: Point(x: page.width / 2 - 2, y: y), font: FontFamily.serif, size: 14, color: ink, alignment: .right)
            canvas.text(forged, at: Point(x: page.width / 2 + 4, y: y + (14 - size) * 0.8), font: FontFamily.serif, size: size, color: ink)
        } else {
            numberLine = canvas.text("Company Number \(companyNumber)", at: Point(x: page.width / 2, y: y), font: FontFamily.serif, size: 14, color: ink, alignment: .center)
        }
        if case let .whitedOutNumber(forged) = tampering {
            // What an editor's "white-out" does: an opaque box over the line, the new value on top.
            canvas.rectangle(Rect(x: page.width / 2 - numberLine.width / 2 - 4, y: y - 2, width: numberLine.width + 8, height: numberLine.height + 4), fill: .white)
            canvas.text("Company Number \(forged)", at: Point(x: page.width / 2, y: y), font: FontFamily.serif, size: 14, color: ink, alignment: .center)
        }
        y += 48

        let margin = 88.0
        let bodyWidth = page.width - 2 * margin
        y += canvas.text(
            "The Registrar of Companies for England and Wales, hereby certifies that",
            at: Point(x: margin, y: y), width: bodyWidth, font: FontFamily.serif, size: 12.5, italic: true, color: ink, alignment: .center
        ).height + 26
        if case let .pastedName(name, font) = tampering {
            y += canvas.text(name, at: Point(x: margin, y: y), width: bodyWidth, font: font, size: 20, weight: .bold, color: ink, alignment: .center).height + 26
        } else {
            y += canvas.text(companyName, at: Point(x: margin, y: y), width: bodyWidth, font: FontFamily.serif, size: 20, weight: .bold, color: ink, alignment: .center).height + 26
        }
        y += canvas.text(
            "is this day incorporated under the Companies Act 2006 as a private company, that the company is limited by shares, and the situation of its registered office is in England and Wales.",
            at: Point(x: margin, y: y), width: bodyWidth, font: FontFamily.serif, size: 12.5, italic: true, color: ink, alignment: .center, lineSpacing: 1.35
        ).height + 34
        canvas.text("Given at Companies House, Cardiff, on 15th March 2024.", at: Point(x: margin, y: y), width: bodyWidth, font: FontFamily.serif, size: 12.5, color: ink, alignment: .center)
        y += 62

        // Seal on the left, signature on the right.
        Ornaments.seal(
            on: canvas, center: Point(x: 170, y: y + 52), radius: 56,
            top: "THE OFFICIAL SEAL OF THE", bottom: "REGISTRAR OF COMPANIES", middle: nil, color: navy
        )
        Ornaments.signature(on: canvas, origin: Point(x: 340, y: y + 40), width: 150, seed: 0x0C0FFEE1)
        canvas.line(from: Point(x: 320, y: y + 64), to: Point(x: 510, y: y + 64), stroke: Stroke(color: ink, width: 0.6))
        canvas.text("Registrar of Companies", at: Point(x: 415, y: y + 68), font: FontFamily.serif, size: 10, color: ink, alignment: .center)
        canvas.text("for England and Wales", at: Point(x: 415, y: y + 82), font: FontFamily.serif, size: 10, color: ink, alignment: .center)

        // Footer: barcode with the document reference and the authentication note.
        let reference = "*N\(companyNumber)Q*"
        let footerY = page.height - 150
        Ornaments.barcode(on: canvas, value: reference, rect: Rect(x: page.width / 2 - 80, y: footerY, width: 160, height: 22))
        canvas.text(reference, at: Point(x: page.width / 2, y: footerY + 25), font: FontFamily.sans, size: 8.5, color: ink, alignment: .center, letterSpacing: 1)
        canvas.text(
            "The above information was communicated by electronic means and authenticated by the Registrar of Companies under section 1115 of the Companies Act 2006",
            at: Point(x: margin, y: footerY + 44), width: bodyWidth, font: FontFamily.sans, size: 7.5, color: .gray(0.3), alignment: .center
        )
        canvas.text(
            "Specimen drawn by the Paperwork sample maker · fictional company · Document reference IN01-\(companyNumber)-20240315",
            at: Point(x: margin, y: footerY + 72), width: bodyWidth, font: FontFamily.sans, size: 6.5, color: .gray(0.45), alignment: .center
        )
    }

    static func pdf(tampering: Tampering = .none, metadata: PDFMetadata = metadata) throws -> [UInt8] {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: metadata)
        draw(on: canvas, tampering: tampering)
        return try canvas.finish()
    }
}
