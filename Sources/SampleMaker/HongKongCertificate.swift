import Drawing

/// Hong Kong Companies Registry bilingual certificate of incorporation (公司註冊證明書) for the
/// fictional HARBOUR PEERING LIMITED 港灣互聯有限公司.
enum HongKongCertificate {
    static let metadata = PDFMetadata(
        title: "公司註冊證明書 Certificate of Incorporation - HARBOUR PEERING LIMITED 港灣互聯有限公司",
        author: "Companies Registry, Hong Kong",
        subject: "Company No. 3123456",
        creator: "Paperwork sample maker",
        creationDate: "2024-03-15T10:42:00+08:00"
    )

    static func pdf() throws -> [UInt8] {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: metadata)
        let page = canvas.pageSize
        let font = FontFamily.traditionalChineseSerif
        let ink = Color(hex: 0x121212)
        let maroon = Color(hex: 0x7A1F2B)
        let centerX = page.width / 2
        let margin = 80.0
        let width = page.width - 2 * margin

        Ornaments.guillocheBorder(on: canvas, rect: Rect(x: 30, y: 30, width: page.width - 60, height: page.height - 60), band: 12, color: maroon, waves: 2)
        canvas.text("編號 Company No. 3123456", at: Point(x: page.width - margin + 20, y: 60), font: font, size: 10, weight: .bold, color: ink, alignment: .right)
        flowerEmblem(on: canvas, center: Point(x: centerX, y: 112), radius: 34, color: maroon)

        var y = 160.0
        y += canvas.text("公司註冊處", at: Point(x: centerX, y: y), font: font, size: 13, weight: .bold, color: maroon, alignment: .center, letterSpacing: 4).height
        y += canvas.text("COMPANIES REGISTRY", at: Point(x: centerX, y: y), font: font, size: 10, weight: .bold, color: maroon, alignment: .center, letterSpacing: 2).height + 20
        y += canvas.text("公司註冊證明書", at: Point(x: centerX, y: y), font: font, size: 24, weight: .bold, color: ink, alignment: .center, letterSpacing: 8).height + 2
        y += canvas.text("CERTIFICATE OF INCORPORATION", at: Point(x: centerX, y: y), font: font, size: 16, weight: .bold, color: ink, alignment: .center, letterSpacing: 1.5).height + 30

        y += canvas.text("本人謹此證明", at: Point(x: centerX, y: y), font: font, size: 12, color: ink, alignment: .center).height
        y += canvas.text("I hereby certify that", at: Point(x: centerX, y: y), font: font, size: 11, italic: true, color: ink, alignment: .center).height + 20
        y += canvas.text("HARBOUR PEERING LIMITED", at: Point(x: centerX, y: y), font: font, size: 19, weight: .bold, color: ink, alignment: .center).height + 2
        y += canvas.text("港灣互聯有限公司", at: Point(x: centerX, y: y), font: font, size: 19, weight: .bold, color: ink, alignment: .center, letterSpacing: 3).height + 22
        y += canvas.text(
            "於本日根據香港法例第622章《公司條例》在香港註冊成為一間有限公司。",
            at: Point(x: margin, y: y), width: width, font: font, size: 12, color: ink, alignment: .center, lineSpacing: 1.3
        ).height + 6
        y += canvas.text(
            "is this day incorporated in Hong Kong under the Companies Ordinance (Chapter 622 of the Laws of Hong Kong), and that this company is limited.",
            at: Point(x: margin, y: y), width: width, font: font, size: 11, italic: true, color: ink, alignment: .center, lineSpacing: 1.25
        ).height + 26
        y += canvas.text("本證書於二〇二四年三月十五日發出。", at: Point(x: centerX, y: y), font: font, size: 12, color: ink, alignment: .center).height + 2
        y += canvas.text("Issued on 15 March 2024.", at: Point(x: centerX, y: y), font: font, size: 11, italic: true, color: ink, alignment: .center).height + 40

        Ornaments.seal(on: canvas, center: Point(x: margin + 70, y: y + 40), radius: 50, top: "COMPANIES REGISTRY", bottom: "HONG KONG", middle: "註冊處", color: maroon.withAlpha(0.85), font: font)
        Ornaments.signature(on: canvas, origin: Point(x: page.width - margin - 170, y: y + 30), width: 130, seed: 0x486B0A)
        canvas.line(from: Point(x: page.width - margin - 200, y: y + 52), to: Point(x: page.width - margin, y: y + 52), stroke: Stroke(color: ink, width: 0.6))
        canvas.text(
            "香港特別行政區公司註冊處處長\nRegistrar of Companies\nHong Kong Special Administrative Region",
            at: Point(x: page.width - margin - 100, y: y + 57), font: font, size: 9, color: ink, alignment: .center
        )

        let noteY = page.height - 150
        canvas.line(from: Point(x: margin, y: noteY), to: Point(x: page.width - margin, y: noteY), stroke: Stroke(color: .gray(0.5), width: 0.4))
        canvas.text(
            "註：公司註冊處就公司名稱所作的註冊，並不代表獲授予該公司名稱或其任何部分的商標權或任何其他知識產權。\nNote: Registration of a company name with the Companies Registry does not confer any trade mark rights or any other intellectual property rights in respect of the company name or any part thereof.",
            at: Point(x: margin, y: noteY + 6), width: width, font: font, size: 7.5, color: .gray(0.25), lineSpacing: 1.1
        )
        canvas.text("樣本 · Specimen drawn by the Paperwork sample maker · fictional company · Ref. CR/NNC1/3123456", at: Point(x: centerX, y: page.height - 62), font: font, size: 6, color: .gray(0.5), alignment: .center)
        return try canvas.finish()
    }

    /// A five-petal flower in a double ring: a fictional emblem in the spirit of the region's.
    private static func flowerEmblem(on canvas: Canvas, center: Point, radius: Double, color: Color) {
        canvas.circle(center: center, radius: radius, stroke: Stroke(color: color, width: 1.4))
        canvas.circle(center: center, radius: radius - 4, stroke: Stroke(color: color, width: 0.5))
        for petal in 0..<5 {
            canvas.withTransform(translateX: center.x, translateY: center.y, rotationDegrees: Double(petal) * 72) {
                let length = radius * 0.78
                canvas.curve([
                    Point(x: 0, y: 0),
                    Point(x: -length * 0.55, y: -length * 0.35), Point(x: -length * 0.35, y: -length), Point(x: 0, y: -length),
                    Point(x: length * 0.2, y: -length * 0.75), Point(x: length * 0.25, y: -length * 0.35), Point(x: 0, y: 0),
                ], stroke: Stroke(color: color, width: 1))
                Ornaments.star(on: canvas, center: Point(x: -length * 0.12, y: -length * 0.6), radius: 3, fill: color)
            }
        }
    }
}
