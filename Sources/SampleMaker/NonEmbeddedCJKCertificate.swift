/// Certificates whose CJK text is set in a font the PDF does not embed, as many registry
/// systems write them: a Type0 font over a CIDFontType0 of Adobe's Japan1 or GB1 collection,
/// a predefined UCS-2 CMap, and no font file. A reader needs the collection's CMaps and
/// CID-to-Unicode tables (Debian's `poppler-data`) to get any text out of them.
///
/// cairo always embeds its fonts, so these are written by hand with ``HandWrittenPDF``.
enum NonEmbeddedCJKCertificate {
    /// One of Adobe's CJK character collections, with a font that readers know by name.
    struct Collection {
        /// `Japan1`, `GB1`…
        let ordering: String
        let supplement: Int
        /// The predefined CMap from Unicode (UCS-2) to CIDs in the collection.
        let encoding: String
        /// A font name Acrobat and poppler substitute a system font for.
        let fontName: String

        static let japan1 = Collection(ordering: "Japan1", supplement: 6, encoding: "UniJIS-UCS2-H", fontName: "HeiseiMin-W3")
        static let gb1 = Collection(ordering: "GB1", supplement: 5, encoding: "UniGB-UCS2-H", fontName: "STSong-Light")
    }

    /// A line of text: its left edge and baseline in PDF points from the page's bottom left.
    struct Line {
        var x: Double
        var y: Double
        var size: Double
        var text: String
    }

    /// 現在事項全部証明書 (certificate of current registered matters) from the Osaka Legal
    /// Affairs Bureau, for the fictional 株式会社浪速データリンク.
    static let japaneseCompanyName = "株式会社浪速データリンク"
    static let japaneseCompanyNumber = "1200-01-234567"

    static func japanese() -> [UInt8] {
        let left = 70.0, valueX = 190.0
        var lines = [
            Line(x: 218, y: 770, size: 18, text: "現在事項全部証明書"),
            Line(x: left, y: 726, size: 10.5, text: "会社法人等番号"),
            Line(x: valueX, y: 726, size: 10.5, text: japaneseCompanyNumber),
        ]
        let rows: [(String, [String])] = [
            ("商　号", [japaneseCompanyName]),
            ("本　店", ["大阪府大阪市北区梅田三丁目3番3号"]),
            ("公告をする方法", ["官報に掲載してする"]),
            ("会社成立の年月日", ["令和2年4月1日"]),
            ("目　的", ["1　電気通信事業", "2　データセンターの運営及び管理", "3　前各号に附帯する一切の事業"]),
            ("発行可能株式総数", ["4000株"]),
            ("発行済株式の総数", ["発行済株式の総数　1000株"]),
            ("資本金の額", ["金1億円"]),
            ("役員に関する事項", ["取締役　山田太郎", "代表取締役　大阪府大阪市北区梅田一丁目1番1号　山田太郎"]),
            ("登記記録に関する事項", ["設立", "令和2年4月1日登記"]),
        ]
        var rules: [(Double, Double, Double, Double)] = [(left - 8, 742, 525, 742)]
        var y = 700.0
        for (label, values) in rows {
            let top = y + 16
            lines.append(Line(x: left, y: y, size: 10.5, text: label))
            for value in values {
                lines.append(Line(x: valueX, y: y, size: 10.5, text: value))
                y -= 18
            }
            y -= 8
            rules.append((left - 8, y + 16, 525, y + 16))
            rules.append((valueX - 10, top, valueX - 10, y + 16))
        }
        y -= 20
        for text in [
            "これは登記簿に記録されている現在の事項の全部であることを証明した書面である。",
            "令和6年3月15日",
            "大阪法務局　　登記官　　大阪　一郎",
        ] {
            lines.append(Line(x: left, y: y, size: 10.5, text: text))
            y -= 22
        }
        lines.append(Line(x: left, y: 90, size: 8.5, text: "＊下線のあるものは抹消事項であることを示す。　整理番号　ア123456"))
        lines.append(Line(x: left, y: 60, size: 7.5, text: "見本：Paperworkのサンプル作成ツールが作成した架空の会社です。"))
        return certificate(
            collection: .japan1, lines: lines, rules: rules,
            title: "現在事項全部証明書 \(japaneseCompanyName)", creationDate: "D:20240315101500+09'00'"
        )
    }

    /// 营业执照 (business licence) from Shanghai's market regulation bureau, for the fictional
    /// 上海云桥数据科技有限公司. The unified social credit code has a valid GB 32100 check character.
    static let chineseCompanyName = "上海云桥数据科技有限公司"
    static let chineseCreditCode = "91310115MA1H7KQ231"

    static func chinese() -> [UInt8] {
        let left = 80.0, valueX = 200.0
        var lines = [
            Line(x: 243, y: 760, size: 26, text: "营业执照"),
            Line(x: 275, y: 730, size: 12, text: "（副　本）"),
            Line(x: left, y: 690, size: 10.5, text: "统一社会信用代码"),
            Line(x: valueX, y: 690, size: 10.5, text: chineseCreditCode),
        ]
        let rows: [(String, [String])] = [
            ("名　　称", [chineseCompanyName]),
            ("类　　型", ["有限责任公司（自然人投资或控股）"]),
            ("法定代表人", ["王明"]),
            ("经营范围", ["数据中心服务；互联网接入及相关服务；", "网络技术服务；信息系统集成服务。", "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"]),
            ("注册资本", ["人民币1000万元整"]),
            ("成立日期", ["2020年06月18日"]),
            ("营业期限", ["2020年06月18日至长期"]),
            ("住　　所", ["上海市浦东新区张江路88号"]),
        ]
        var y = 650.0
        for (label, values) in rows {
            lines.append(Line(x: left, y: y, size: 10.5, text: label))
            for value in values {
                lines.append(Line(x: valueX, y: y, size: 10.5, text: value))
                y -= 19
            }
            y -= 9
        }
        lines.append(Line(x: 330, y: 250, size: 10.5, text: "登记机关　上海市浦东新区市场监督管理局"))
        lines.append(Line(x: 400, y: 228, size: 10.5, text: "2024年03月15日"))
        lines.append(Line(x: left, y: 110, size: 8.5, text: "国家企业信用信息公示系统网址：www.gsxt.gov.cn"))
        lines.append(Line(x: left, y: 94, size: 8.5, text: "市场主体应当于每年1月1日至6月30日通过国家企业信用信息公示系统报送公示年度报告。"))
        lines.append(Line(x: left, y: 60, size: 7.5, text: "样本：由 Paperwork 样本生成器绘制的虚构公司。"))
        let rules = [(60.0, 48.0, 535.0, 48.0), (60.0, 794.0, 535.0, 794.0), (60.0, 48.0, 60.0, 794.0), (535.0, 48.0, 535.0, 794.0)]
        return certificate(
            collection: .gb1, lines: lines, rules: rules,
            title: "营业执照 \(chineseCompanyName)", creationDate: "D:20240315101500+08'00'"
        )
    }

    /// Writes one A4 page with every line in the collection's font, no font file embedded.
    static func certificate(collection: Collection, lines: [Line], rules: [(Double, Double, Double, Double)], title: String, creationDate: String) -> [UInt8] {
        var pdf = HandWrittenPDF()
        let catalog = pdf.reserve()
        let pages = pdf.reserve()
        let page = pdf.reserve()
        let descriptor = pdf.add(
            "<< /Type /FontDescriptor /FontName /\(collection.fontName) /Flags 6 /FontBBox [-123 -257 1001 910] "
                + "/ItalicAngle 0 /Ascent 857 /Descent -143 /CapHeight 718 /StemV 93 >>"
        )
        // CIDs 1–95 of both collections are the proportional Latin glyphs the UCS-2 CMaps map
        // ASCII to; half an em is close enough for their advance.
        let descendant = pdf.add(
            "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /\(collection.fontName) "
                + "/CIDSystemInfo << /Registry (Adobe) /Ordering (\(collection.ordering)) /Supplement \(collection.supplement) >> "
                + "/FontDescriptor \(descriptor) 0 R /DW 1000 /W [1 95 500] >>"
        )
        let font = pdf.add(
            "<< /Type /Font /Subtype /Type0 /BaseFont /\(collection.fontName)-\(collection.encoding) "
                + "/Encoding /\(collection.encoding) /DescendantFonts [\(descendant) 0 R] >>"
        )
        var content = "0.1 0.1 0.1 RG 0.6 w\n"
        for (x1, y1, x2, y2) in rules {
            content += "\(x1) \(y1) m \(x2) \(y2) l S\n"
        }
        content += "0.08 0.08 0.08 rg\n"
        for line in lines {
            content += "BT /F1 \(line.size) Tf \(line.x) \(line.y) Td <\(ucs2Hex(line.text))> Tj ET\n"
        }
        let contents = pdf.addStream(Array(content.utf8))
        pdf.set(page, "<< /Type /Page /Parent \(pages) 0 R /MediaBox [0 0 595.28 841.89] /Contents \(contents) 0 R /Resources << /Font << /F1 \(font) 0 R >> >> >>")
        pdf.set(pages, "<< /Type /Pages /Kids [\(page) 0 R] /Count 1 >>")
        pdf.set(catalog, "<< /Type /Catalog /Pages \(pages) 0 R >>")
        let info = pdf.add("<< /Title <FEFF\(ucs2Hex(title))> /Producer (Paperwork sample maker) /CreationDate (\(creationDate)) >>")
        return pdf.bytes(root: catalog, info: info)
    }

    /// The text as big-endian UTF-16 code units in hex: the codes a UCS-2 CMap reads. Every
    /// character used here is in the Basic Multilingual Plane.
    static func ucs2Hex(_ text: String) -> String {
        text.utf16.map { unit in
            let hex = String(unit, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - hex.count) + hex
        }.joined()
    }
}
