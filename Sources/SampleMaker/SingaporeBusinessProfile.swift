import Drawing

/// ACRA (Singapore) Business Profile of a company, two pages, for the fictional STRAITS
/// INTERCONNECT PTE. LTD.
enum SingaporeBusinessProfile {
    static let metadata = PDFMetadata(
        title: "Business Profile (Company) - STRAITS INTERCONNECT PTE. LTD.",
        author: "Accounting and Corporate Regulatory Authority",
        subject: "Business Profile, Registration No. 201912345R",
        creator: "Paperwork sample maker",
        creationDate: "2024-03-15T10:42:00+08:00"
    )

    static let red = Color(hex: 0xB1122B)
    static let ink = Color(hex: 0x151515)
    static let margin = 50.0

    static func pdf() throws -> [UInt8] {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: metadata)
        let page = canvas.pageSize
        let width = page.width - 2 * margin
        header(on: canvas)
        var y = 150.0
        canvas.text("Business Profile (Company)", at: Point(x: page.width / 2, y: y), font: FontFamily.sans, size: 15, weight: .bold, color: ink, alignment: .center)
        y += 26
        canvas.text("Date: 15 Mar 2024", at: Point(x: margin, y: y), font: FontFamily.sans, size: 8.5, color: ink)
        canvas.text("Receipt No.: ACRA240315104200081", at: Point(x: page.width - margin, y: y), font: FontFamily.sans, size: 8.5, color: ink, alignment: .right)
        y += 22

        y = band("Company Details", on: canvas, y: y)
        let details: [(String, String)] = [
            ("Registration No.:", "201912345R"),
            ("Company Name:", "STRAITS INTERCONNECT PTE. LTD."),
            ("Former Name if any:", "-"),
            ("Incorporation Date:", "08/04/2019"),
            ("Company Type:", "EXEMPT PRIVATE COMPANY LIMITED BY SHARES"),
            ("Status:", "Live Company"),
            ("Status Date:", "08/04/2019"),
            ("Principal Activities:", "(1) 61101 FACILITIES-BASED TELECOMMUNICATIONS NETWORK OPERATORS\n(2) 63111 DATA CENTRES, HOSTING AND RELATED SERVICES"),
            ("Registered Office Address:", "1 RAFFLES PLACE\n#20-61\nONE RAFFLES PLACE\nSINGAPORE 048616"),
            ("Date of Address:", "08/04/2019"),
            ("Date of Last AGM:", "28/06/2023"),
            ("Date of Last AR:", "12/07/2023"),
            ("FYE As At Date of Last AR:", "31/12/2022"),
        ]
        for (label, value) in details {
            y += Ornaments.field(on: canvas, label: label, value: value, x: margin + 6, y: y, labelWidth: 170, valueWidth: width - 182, size: 8.8) + 5
        }
        y += 8

        y = band("Paid-Up Capital", on: canvas, y: y)
        y = table(
            on: canvas, y: y,
            columns: [("Amount", 0.34), ("Number of Shares", 0.22), ("Currency", 0.2), ("Share Type", 0.24)],
            rows: [["1,000,000.00", "1,000,000", "SINGAPORE, DOLLARS", "ORDINARY"]]
        )
        y += 12
        y = band("Issued Share Capital", on: canvas, y: y)
        y = table(
            on: canvas, y: y,
            columns: [("Amount", 0.34), ("Number of Shares", 0.22), ("Currency", 0.2), ("Share Type", 0.24)],
            rows: [["1,000,000.00", "1,000,000", "SINGAPORE, DOLLARS", "ORDINARY"]]
        )
        footer(on: canvas, pageNumber: 1)

        canvas.newPage()
        header(on: canvas)
        y = 150
        canvas.text("STRAITS INTERCONNECT PTE. LTD. (201912345R) — continued", at: Point(x: margin, y: y), font: FontFamily.sans, size: 8.5, color: .gray(0.35))
        y += 22
        y = band("Officers/Authorised Representative(s)", on: canvas, y: y)
        y = table(
            on: canvas, y: y,
            columns: [("Name", 0.22), ("ID", 0.13), ("Nationality", 0.13), ("Address", 0.27), ("Position Held", 0.12), ("Date of Appointment", 0.13)],
            rows: [
                ["TAN WEI MING", "S7812345D", "SINGAPORE CITIZEN", "12 MARINE PARADE ROAD #08-03 SINGAPORE 449298", "DIRECTOR", "08/04/2019"],
                ["PRIYA RAMASWAMY", "S8523456F", "SINGAPORE CITIZEN", "45 HOLLAND GROVE VIEW SINGAPORE 276291", "DIRECTOR", "15/01/2021"],
                ["LIM HUI LING", "S8034567A", "SINGAPORE CITIZEN", "88 TANJONG PAGAR ROAD #15-02 SINGAPORE 088509", "SECRETARY", "08/04/2019"],
            ]
        )
        y += 12
        y = band("Shareholder(s)", on: canvas, y: y)
        y = table(
            on: canvas, y: y,
            columns: [("Name", 0.3), ("ID", 0.16), ("Nationality / Place of Origin", 0.2), ("No. of Shares", 0.14), ("Currency", 0.2)],
            rows: [
                ["STRAITS INTERCONNECT HOLDINGS PTE. LTD.", "201811111M", "SINGAPORE", "600,000 ORDINARY", "SINGAPORE, DOLLARS"],
                ["TAN WEI MING", "S7812345D", "SINGAPORE CITIZEN", "400,000 ORDINARY", "SINGAPORE, DOLLARS"],
            ]
        )
        y += 12
        y = band("Audit Firms", on: canvas, y: y)
        y += canvas.text("MERLION ASSURANCE LLP", at: Point(x: margin + 6, y: y), font: FontFamily.sans, size: 8.8, weight: .bold, color: ink).height + 16
        y = band("Charges", on: canvas, y: y)
        y += canvas.text("No charges found.", at: Point(x: margin + 6, y: y), font: FontFamily.sans, size: 8.8, color: ink).height + 20
        y += canvas.text(
            "This Business Profile contains the information extracted from the records of the Registrar kept under the Companies Act 1967 as at the date and time of issue. The Registrar does not warrant the accuracy of information lodged by the company.",
            at: Point(x: margin, y: y), width: width, font: FontFamily.sans, size: 7.5, italic: true, color: .gray(0.3)
        ).height + 24
        Ornaments.signature(on: canvas, origin: Point(x: margin + 10, y: y + 30), width: 110, seed: 0x5165A9)
        canvas.line(from: Point(x: margin, y: y + 50), to: Point(x: margin + 170, y: y + 50), stroke: Stroke(color: ink, width: 0.5))
        canvas.text("REGISTRAR OF COMPANIES\nACCOUNTING AND CORPORATE REGULATORY AUTHORITY\nSINGAPORE", at: Point(x: margin, y: y + 54), font: FontFamily.sans, size: 7.5, weight: .bold, color: ink)
        Ornaments.seal(on: canvas, center: Point(x: page.width - margin - 70, y: y + 40), radius: 44, top: "REGISTRAR OF COMPANIES", bottom: "SINGAPORE", middle: "ACRA", color: red.withAlpha(0.8), font: FontFamily.sans)
        y += 118
        canvas.text("END OF BUSINESS PROFILE", at: Point(x: page.width / 2, y: y), font: FontFamily.sans, size: 9, weight: .bold, color: ink, alignment: .center, letterSpacing: 1)
        footer(on: canvas, pageNumber: 2)
        return try canvas.finish()
    }

    private static func header(on canvas: Canvas) {
        let page = canvas.pageSize
        // Logo: a red square with a stylised lion-head arc, then the authority's name.
        canvas.rectangle(Rect(x: margin, y: 46, width: 52, height: 52), cornerRadius: 4, fill: red)
        canvas.circle(center: Point(x: margin + 26, y: 72), radius: 15, stroke: Stroke(color: .white, width: 3))
        canvas.rectangle(Rect(x: margin + 22, y: 52, width: 8, height: 40), fill: red)
        canvas.text("A", at: Point(x: margin + 26, y: 60), font: FontFamily.sans, size: 18, weight: .bold, color: .white, alignment: .center)
        canvas.text("ACCOUNTING AND CORPORATE\nREGULATORY AUTHORITY", at: Point(x: margin + 64, y: 50), font: FontFamily.sans, size: 12.5, weight: .bold, color: red, lineSpacing: 1.05)
        canvas.text("10 Anson Road, #05-01/15 International Plaza, Singapore 079903", at: Point(x: margin + 64, y: 85), font: FontFamily.sans, size: 7.5, color: ink)
        canvas.text("bizfile", at: Point(x: page.width - margin, y: 52), font: FontFamily.sans, size: 16, weight: .bold, italic: true, color: red, alignment: .right)
        canvas.line(from: Point(x: margin, y: 112), to: Point(x: page.width - margin, y: 112), stroke: Stroke(color: red, width: 1.5))
        canvas.line(from: Point(x: margin, y: 115), to: Point(x: page.width - margin, y: 115), stroke: Stroke(color: red, width: 0.4))
    }

    private static func band(_ title: String, on canvas: Canvas, y: Double) -> Double {
        let width = canvas.pageSize.width - 2 * margin
        canvas.rectangle(Rect(x: margin, y: y, width: width, height: 16), fill: Color.gray(0.88))
        canvas.text(title, at: Point(x: margin + 6, y: y + 2.5), font: FontFamily.sans, size: 9, weight: .bold, color: ink)
        return y + 22
    }

    /// A ruled table; column widths are fractions of the text width. Returns the y below it.
    private static func table(on canvas: Canvas, y start: Double, columns: [(String, Double)], rows: [[String]]) -> Double {
        let width = canvas.pageSize.width - 2 * margin
        var y = start
        let stroke = Stroke(color: .gray(0.45), width: 0.5)
        var allRows: [([String], Bool)] = [(columns.map(\.0), true)]
        allRows += rows.map { ($0, false) }
        for (cells, isHeader) in allRows {
            var x = margin
            var height = 0.0
            for (cell, column) in zip(cells, columns) {
                let measured = canvas.measureText(cell, width: width * column.1 - 8, font: FontFamily.sans, size: 7.8, weight: isHeader ? .bold : .regular)
                height = max(height, measured.height)
                x += width * column.1
            }
            height += 8
            x = margin
            if isHeader { canvas.rectangle(Rect(x: margin, y: y, width: width, height: height), fill: .gray(0.95)) }
            for (cell, column) in zip(cells, columns) {
                let cellWidth = width * column.1
                canvas.rectangle(Rect(x: x, y: y, width: cellWidth, height: height), stroke: stroke)
                canvas.text(cell, at: Point(x: x + 4, y: y + 4), width: cellWidth - 8, font: FontFamily.sans, size: 7.8, weight: isHeader ? .bold : .regular, color: ink)
                x += cellWidth
            }
            y += height
        }
        return y + 4
    }

    private static func footer(on canvas: Canvas, pageNumber: Int) {
        let page = canvas.pageSize
        canvas.line(from: Point(x: margin, y: page.height - 58), to: Point(x: page.width - margin, y: page.height - 58), stroke: Stroke(color: .gray(0.6), width: 0.4))
        canvas.text("Business Profile (Company) · 201912345R · Receipt No. ACRA240315104200081", at: Point(x: margin, y: page.height - 52), font: FontFamily.sans, size: 7, color: ink)
        canvas.text("Page \(pageNumber) of 2", at: Point(x: page.width - margin, y: page.height - 52), font: FontFamily.sans, size: 7, color: ink, alignment: .right)
        canvas.text("Specimen drawn by the Paperwork sample maker · fictional company", at: Point(x: page.width / 2, y: page.height - 40), font: FontFamily.sans, size: 6, color: .gray(0.5), alignment: .center)
    }
}
