import Drawing

/// 履歴事項全部証明書 (certificate of all historical registered matters) from the Tokyo Legal
/// Affairs Bureau for the fictional 株式会社東京ネットワークス, with the boxed two-column table
/// and underlined (struck) superseded entries of the real thing.
enum JapaneseRegistryCertificate {
    static let metadata = PDFMetadata(
        title: "履歴事項全部証明書 株式会社東京ネットワークス",
        author: "東京法務局",
        subject: "会社法人等番号 0104-01-123456",
        creator: "Paperwork sample maker",
        creationDate: "2024-03-15T10:42:00+09:00"
    )

    /// One row of the register table: a label and entries, each with an optional registration
    /// note (right-aligned, as in the real certificate) and a flag for superseded entries.
    struct Entry {
        var text: String
        var note: String = ""
        var superseded: Bool = false
    }

    static func pdf() throws -> [UInt8] {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: metadata)
        let page = canvas.pageSize
        let font = FontFamily.japaneseSerif
        let ink = Color(hex: 0x111111)
        let margin = 54.0
        let right = page.width - margin

        pageHeader(on: canvas, font: font, ink: ink)
        canvas.text("履歴事項全部証明書", at: Point(x: page.width / 2, y: 80), font: font, size: 17, color: ink, alignment: .center, letterSpacing: 4)

        let rows: [(String, [Entry])] = [
            ("会社法人等番号", [Entry(text: "0104-01-123456")]),
            ("商　号", [Entry(text: "株式会社東京ネットワークス")]),
            ("本　店", [
                Entry(text: "東京都港区芝公園四丁目2番8号", superseded: true),
                Entry(text: "東京都千代田区大手町一丁目1番1号", note: "令和３年４月１日移転\n令和３年４月８日登記"),
            ]),
            ("公告をする方法", [Entry(text: "官報に掲載してする。")]),
            ("会社成立の年月日", [Entry(text: "令和元年５月７日")]),
            ("目　的", [Entry(text: "１．電気通信事業法に基づく電気通信事業\n２．インターネット相互接続点の運営及びインターネット接続サービスの提供\n３．データセンターの運営及び賃貸\n４．ネットワーク技術に関するコンサルティング\n５．前各号に附帯関連する一切の事業")]),
            ("発行可能株式総数", [Entry(text: "１万株")]),
            ("発行済株式の総数\n並びに種類及び数", [Entry(text: "発行済株式の総数\n　２０００株")]),
            ("資本金の額", [
                Entry(text: "金５０００万円", superseded: true),
                Entry(text: "金１億円", note: "令和３年４月１日変更\n令和３年４月８日登記"),
            ]),
            ("株式の譲渡制限\nに関する規定", [Entry(text: "当会社の株式を譲渡により取得するには、取締役会の承認を要する。")]),
            ("役員に関する事項", [
                Entry(text: "取締役　　山　田　太　郎", note: "令和元年５月７日就任"),
                Entry(text: "取締役　　佐　藤　花　子", note: "令和元年５月７日就任"),
                Entry(text: "取締役　　高　橋　健　一", note: "令和３年６月２８日就任\n令和３年７月５日登記"),
                Entry(text: "東京都世田谷区桜新町二丁目3番4号\n代表取締役　　山　田　太　郎", note: "令和元年５月７日就任"),
                Entry(text: "監査役　　鈴　木　一　郎", note: "令和元年５月７日就任"),
            ]),
            ("取締役会設置会社\nに関する事項", [Entry(text: "取締役会設置会社", note: "令和元年５月７日設定")]),
            ("監査役設置会社に\n関する事項", [Entry(text: "監査役設置会社", note: "令和元年５月７日設定")]),
            ("登記記録に関する\n事項", [Entry(text: "設立", note: "令和元年５月７日登記")]),
        ]

        let layout = TableLayout(margin: margin, right: right, font: font, ink: ink)
        var pageNumber = 1
        var y = layout.top
        canvas.line(from: Point(x: margin, y: y), to: Point(x: right, y: y), stroke: Stroke(color: ink, width: 1.4))
        for (label, entries) in rows {
            let height = layout.row(label: label, entries: entries, top: y, on: canvas, draw: false)
            if y + height > page.height - 80 {
                layout.closeTable(bottom: y, on: canvas)
                footer(on: canvas, pageNumber: pageNumber, font: font, ink: ink)
                canvas.newPage()
                pageNumber += 1
                pageHeader(on: canvas, font: font, ink: ink)
                y = layout.top
                canvas.line(from: Point(x: margin, y: y), to: Point(x: right, y: y), stroke: Stroke(color: ink, width: 1.4))
            }
            y += layout.row(label: label, entries: entries, top: y, on: canvas, draw: true)
        }
        layout.closeTable(bottom: y, on: canvas)

        let tableWidth = right - margin
        y += 18
        canvas.text("これは登記簿に記録されている閉鎖されていない事項の全部であることを証明した書面である。", at: Point(x: margin + 12, y: y), width: tableWidth - 24, font: font, size: 10, color: ink)
        canvas.text("（東京法務局管轄）", at: Point(x: margin + 12, y: y + 18), font: font, size: 10, color: ink)
        y += 48
        canvas.text("令和６年３月１５日", at: Point(x: margin + 60, y: y), font: font, size: 10.5, color: ink)
        canvas.text("東京法務局", at: Point(x: margin + 60, y: y + 22), font: font, size: 10.5, color: ink)
        canvas.text("登記官　　　　法　務　　太　郎", at: Point(x: margin + 210, y: y + 22), font: font, size: 11, color: ink)
        officialSeal(on: canvas, rect: Rect(x: margin + 390, y: y - 6, width: 58, height: 58))
        footer(on: canvas, pageNumber: pageNumber, font: font, ink: ink)
        return try canvas.finish()
    }

    static let pageCount = 2

    /// A one-page 現在事項一部証明書 (certificate of some current matters) of the same company:
    /// the number, name, head office and date of incorporation, as a company scans it when it
    /// has only the paper copy. Drawn on any canvas (the scan sample draws it on a raster).
    static func drawExcerpt(on canvas: Canvas) {
        let page = canvas.pageSize
        let font = FontFamily.japaneseSerif
        let ink = Color(hex: 0x111111)
        let margin = 54.0
        let right = page.width - margin
        pageHeader(on: canvas, font: font, ink: ink)
        canvas.text("現在事項一部証明書", at: Point(x: page.width / 2, y: 80), font: font, size: 17, color: ink, alignment: .center, letterSpacing: 4)
        let rows: [(String, [Entry])] = [
            ("会社法人等番号", [Entry(text: "0104-01-123456")]),
            ("商　号", [Entry(text: "株式会社東京ネットワークス")]),
            ("本　店", [Entry(text: "東京都千代田区大手町一丁目1番1号", note: "令和３年４月１日移転\n令和３年４月８日登記")]),
            ("会社成立の年月日", [Entry(text: "令和元年５月７日")]),
            ("資本金の額", [Entry(text: "金１億円", note: "令和３年４月１日変更\n令和３年４月８日登記")]),
        ]
        let layout = TableLayout(margin: margin, right: right, font: font, ink: ink)
        var y = layout.top
        canvas.line(from: Point(x: margin, y: y), to: Point(x: right, y: y), stroke: Stroke(color: ink, width: 1.4))
        for (label, entries) in rows {
            y += layout.row(label: label, entries: entries, top: y, on: canvas, draw: true)
        }
        layout.closeTable(bottom: y, on: canvas)
        y += 18
        canvas.text("これは登記簿に記録されている現に効力を有する事項の一部であることを証明した書面である。", at: Point(x: margin + 12, y: y), width: right - margin - 24, font: font, size: 10, color: ink)
        y += 48
        canvas.text("令和６年３月１５日", at: Point(x: margin + 60, y: y), font: font, size: 10.5, color: ink)
        canvas.text("東京法務局", at: Point(x: margin + 60, y: y + 22), font: font, size: 10.5, color: ink)
        canvas.text("登記官　　　　法　務　　太　郎", at: Point(x: margin + 210, y: y + 22), font: font, size: 11, color: ink)
        officialSeal(on: canvas, rect: Rect(x: margin + 390, y: y - 6, width: 58, height: 58))
        footer(on: canvas, pageNumber: 1, font: font, ink: ink)
    }

    /// Company address and name, top right of every page.
    private static func pageHeader(on canvas: Canvas, font: String, ink: Color) {
        canvas.text("東京都千代田区大手町一丁目1番1号\n株式会社東京ネットワークス", at: Point(x: canvas.pageSize.width - 54, y: 44), font: font, size: 9.5, color: ink, alignment: .right)
    }

    private static func footer(on canvas: Canvas, pageNumber: Int, font: String, ink: Color) {
        let page = canvas.pageSize
        let footerY = page.height - 58
        canvas.line(from: Point(x: 54, y: footerY), to: Point(x: page.width - 54, y: footerY), stroke: Stroke(color: ink, width: 0.4))
        canvas.text("整理番号　ア１２３４５６　　＊下線のあるものは抹消事項であることを示す。", at: Point(x: 54, y: footerY + 5), font: font, size: 8, color: ink)
        canvas.text("\(pageNumber)/\(pageCount)", at: Point(x: page.width - 54, y: footerY + 5), font: font, size: 8, color: ink, alignment: .right)
        canvas.text("見本（Paperwork サンプル生成器による架空の会社）", at: Point(x: page.width / 2, y: footerY + 20), font: font, size: 6.5, color: .gray(0.5), alignment: .center)
    }

    /// Geometry of the boxed register table; `row` measures (and optionally draws) one row so
    /// rows are never split across pages.
    private struct TableLayout {
        let margin: Double
        let right: Double
        let font: String
        let ink: Color
        let top = 112.0
        let labelWidth = 112.0
        let noteWidth = 128.0
        let size = 9.5
        let noteSize = 8.5

        var valueX: Double { margin + labelWidth }
        var valueWidth: Double { right - valueX }

        func row(label: String, entries: [Entry], top rowTop: Double, on canvas: Canvas, draw: Bool) -> Double {
            var entryY = rowTop + 5
            for (index, entry) in entries.enumerated() {
                let textWidth = valueWidth - noteWidth - 16
                let textSize = canvas.measureText(entry.text, width: textWidth, font: font, size: size, lineSpacing: 1.1)
                let noteSize = entry.note.isEmpty ? Size(width: 0, height: 0) : canvas.measureText(entry.note, font: font, size: self.noteSize)
                if draw {
                    canvas.text(entry.text, at: Point(x: valueX + 8, y: entryY), width: textWidth, font: font, size: size, color: ink, lineSpacing: 1.1)
                    if entry.superseded {
                        // Superseded entries are underlined, line by line.
                        let lineHeight = canvas.measureText("国", font: font, size: size).height
                        var lineY = entryY + lineHeight - 1.5
                        while lineY <= entryY + textSize.height + 0.5 {
                            canvas.line(from: Point(x: valueX + 8, y: lineY), to: Point(x: valueX + 8 + textSize.width, y: lineY), stroke: Stroke(color: ink, width: 0.7))
                            lineY += lineHeight * 1.1
                        }
                    }
                    if !entry.note.isEmpty {
                        canvas.text(entry.note, at: Point(x: right - 6, y: entryY + max(0, textSize.height - noteSize.height)), font: font, size: self.noteSize, color: ink, alignment: .right)
                    }
                }
                entryY += max(textSize.height, noteSize.height) + 5
                if index < entries.count - 1 {
                    if draw {
                        canvas.line(from: Point(x: valueX, y: entryY - 2.5), to: Point(x: right, y: entryY - 2.5), stroke: Stroke(color: ink, width: 0.3, dash: [1.5, 1.5]))
                    }
                    entryY += 2
                }
            }
            let labelHeight = canvas.measureText(label, width: labelWidth - 12, font: font, size: size).height
            let height = max(entryY - rowTop + 1, labelHeight + 10)
            if draw {
                let thin = Stroke(color: ink, width: 0.4)
                canvas.text(label, at: Point(x: margin + 6, y: rowTop + 5), width: labelWidth - 12, font: font, size: size, color: ink, alignment: .justified)
                canvas.line(from: Point(x: margin, y: rowTop + height), to: Point(x: right, y: rowTop + height), stroke: thin)
                canvas.line(from: Point(x: valueX, y: rowTop), to: Point(x: valueX, y: rowTop + height), stroke: thin)
            }
            return height
        }

        func closeTable(bottom: Double, on canvas: Canvas) {
            canvas.rectangle(Rect(x: margin, y: top, width: right - margin, height: bottom - top), stroke: Stroke(color: ink, width: 0.8))
        }
    }

    /// The registrar's square vermilion seal (角印) with its characters in a 2×2 grid.
    private static func officialSeal(on canvas: Canvas, rect: Rect) {
        let vermilion = Color(hex: 0xD0312D, alpha: 0.85)
        canvas.rectangle(rect, stroke: Stroke(color: vermilion, width: 2.4))
        canvas.rectangle(rect.inset(by: 3.5), stroke: Stroke(color: vermilion, width: 0.8))
        let cell = (rect.width - 10) / 2
        for (index, character) in ["登", "官", "記", "印"].enumerated() {
            // Seal characters read top-to-bottom, right column first.
            let column = 1 - index / 2
            let row = index % 2
            canvas.text(
                character,
                at: Point(x: rect.x + 5 + Double(column) * cell + cell / 2, y: rect.y + 5 + Double(row) * cell + 1),
                font: FontFamily.japaneseSerif, size: cell * 0.86, color: vermilion, alignment: .center
            )
        }
    }
}
