import Drawing
import Foundation

/// Many plain registry extracts of 1–3 pages in seven jurisdictions, each for another
/// fictional company: the workload the speed targets are measured on (`--corpus N`), next to
/// the hand-made samples. Same count, same files, every run.
///
/// They are what most registries e-mail today: a title, a table of labelled values in the
/// registry's language, officers and history entries that run onto further pages, fonts
/// embedded by cairo. A manifest (`corpus.tsv`) gives each file's country, legal name and
/// registration number, so callers can check the evidence too.
enum CertificateCorpus {
    /// One entry of the manifest.
    struct Entry {
        var file: String
        var country: String
        var legalName: String
        var registrationNumber: String
    }

    /// What a jurisdiction's extract looks like.
    struct Jurisdiction: Sendable {
        var country: String
        var registry: String
        var title: String
        var labels: (name: String, number: String, address: String, incorporated: String, officers: String, history: String, page: String)
        var font: String
        var legalForms: [String]
        var cities: [String]
        /// A registration number in the registry's printed form.
        var number: @Sendable (inout SeededGenerator) -> String
        var date: @Sendable (Int, Int, Int) -> String
        var officerRole: String
        var historyEntry: String
    }

    static let words = [
        "Northgate", "Harbour", "Meridian", "Atlas", "Beacon", "Summit", "Lighthouse", "Pioneer", "Cobalt", "Granite",
        "Silverline", "Evergreen", "Redwood", "Bluewater", "Ironbridge", "Skyline", "Riverside", "Keystone", "Orbit", "Vertex",
    ]
    static let activities = ["Networks", "Data", "Interconnect", "Telecom", "Cloud", "Fibre", "Hosting", "Transit", "Peering", "Systems"]
    static let surnames = ["Martin", "Schmidt", "Tanaka", "Chen", "Dubois", "Murphy", "Tan", "Smith", "Weber", "Lee", "Moreau", "Walsh"]
    static let givenNames = ["Anna", "Louis", "Yuki", "Wei", "Claire", "Sean", "Mei", "James", "Lena", "Hiro", "Paul", "Aoife"]

    static func digits(_ count: Int, _ random: inout SeededGenerator) -> String {
        String((0..<count).map { _ in Character(String(random.below(10))) })
    }

    static let jurisdictions: [Jurisdiction] = [
        Jurisdiction(
            country: "GB", registry: "Companies House", title: "Company information extract",
            labels: ("Company name", "Company number", "Registered office address", "Incorporated on", "Officers", "Filing history", "Page"),
            font: FontFamily.sans, legalForms: ["LIMITED", "LTD"], cities: ["London", "Cardiff", "Manchester", "Leeds"],
            number: { random in digits(8, &random) }, date: { d, m, y in "\(d)/\(m)/\(y)" },
            officerRole: "Director", historyEntry: "Confirmation statement made with no updates"
        ),
        Jurisdiction(
            country: "FR", registry: "Greffe du Tribunal de Commerce", title: "Extrait d'immatriculation principale au registre du commerce et des sociétés",
            labels: ("Dénomination ou raison sociale", "Numéro d'identification", "Adresse du siège", "Date d'immatriculation", "Gestion, direction", "Mentions", "Page"),
            font: FontFamily.serif, legalForms: ["SAS", "SARL", "SA"], cities: ["Paris", "Lyon", "Marseille", "Lille"],
            number: { random in "\(digits(3, &random)) \(digits(3, &random)) \(digits(3, &random)) R.C.S." }, date: { d, m, y in "\(d)/\(m)/\(y)" },
            officerRole: "Président", historyEntry: "Modification relative aux dirigeants"
        ),
        Jurisdiction(
            country: "DE", registry: "Amtsgericht", title: "Handelsregister B – Aktueller Ausdruck",
            labels: ("Firma", "Nummer der Firma", "Sitz, Niederlassung, Geschäftsanschrift", "Tag der Eintragung", "Geschäftsführer", "Eintragungen", "Seite"),
            font: FontFamily.sans, legalForms: ["GmbH", "AG", "UG (haftungsbeschränkt)"], cities: ["München", "Berlin", "Hamburg", "Frankfurt am Main"],
            number: { random in "HRB \(digits(6, &random))" }, date: { d, m, y in "\(d).\(m).\(y)" },
            officerRole: "Geschäftsführer", historyEntry: "Änderung der Geschäftsanschrift"
        ),
        Jurisdiction(
            country: "SG", registry: "Accounting and Corporate Regulatory Authority", title: "Business Profile (Company)",
            labels: ("Name of Company", "UEN", "Registered Office Address", "Incorporation Date", "Officers / Authorised Representatives", "Filings", "Page"),
            font: FontFamily.sans, legalForms: ["PTE. LTD."], cities: ["Singapore"],
            number: { random in "20\(digits(2, &random))\(digits(5, &random))\(["K", "M", "N", "W", "Z"][random.below(5)])" }, date: { d, m, y in "\(y)-\(m)-\(d)" },
            officerRole: "Director", historyEntry: "Annual Return filed"
        ),
        Jurisdiction(
            country: "JP", registry: "法務局", title: "履歴事項全部証明書",
            labels: ("商号", "会社法人等番号", "本店", "会社成立の年月日", "役員に関する事項", "登記記録に関する事項", "頁"),
            font: FontFamily.japaneseSerif, legalForms: ["株式会社"], cities: ["東京都千代田区", "大阪府大阪市北区", "愛知県名古屋市中区"],
            number: { random in "\(digits(4, &random))-01-\(digits(6, &random))" }, date: { d, m, y in "\(y)年\(m)月\(d)日" },
            officerRole: "取締役", historyEntry: "本店移転"
        ),
        Jurisdiction(
            country: "HK", registry: "Companies Registry 公司註冊處", title: "Certificate of Incorporation 公司註冊證明書",
            labels: ("Company Name 公司名稱", "Company No. 公司編號", "Registered Office 註冊辦事處", "Date of Incorporation 成立日期", "Directors 董事", "Filings 存檔", "Page 頁"),
            font: FontFamily.traditionalChineseSerif, legalForms: ["LIMITED"], cities: ["Hong Kong", "Kowloon"],
            number: { random in digits(7, &random) }, date: { d, m, y in "\(d)/\(m)/\(y)" },
            officerRole: "Director 董事", historyEntry: "Annual Return 周年申報表"
        ),
        Jurisdiction(
            country: "IE", registry: "Companies Registration Office", title: "Company Printout",
            labels: ("Company Name", "Company Number", "Registered Address", "Registration Date", "Officers", "Submissions", "Page"),
            font: FontFamily.sans, legalForms: ["LIMITED", "DAC"], cities: ["Dublin", "Cork", "Galway"],
            number: { random in digits(6, &random) }, date: { d, m, y in "\(d)/\(m)/\(y)" },
            officerRole: "Director", historyEntry: "B1 Annual Return"
        ),
    ]

    /// Writes `count` certificates and their manifest into `folder`.
    static func write(count: Int, into folder: URL) throws -> [Entry] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var entries: [Entry] = []
        for index in 0..<count {
            let jurisdiction = jurisdictions[index % jurisdictions.count]
            var random = SeededGenerator(seed: 0xC0_2FFE_E000 + UInt64(index))
            let (bytes, entry) = try certificate(number: index + 1, jurisdiction: jurisdiction, random: &random)
            try Data(bytes).write(to: folder.appendingPathComponent(entry.file), options: .atomic)
            entries.append(entry)
        }
        var manifest = "file\tcountry\tlegal_name\tregistration_number\n"
        for entry in entries {
            manifest += "\(entry.file)\t\(entry.country)\t\(entry.legalName)\t\(entry.registrationNumber)\n"
        }
        try Data(manifest.utf8).write(to: folder.appendingPathComponent("corpus.tsv"), options: .atomic)
        return entries
    }

    static func certificate(number: Int, jurisdiction j: Jurisdiction, random: inout SeededGenerator) throws -> ([UInt8], Entry) {
        let stem = "\(words[random.below(words.count)]) \(activities[random.below(activities.count)])"
        let form = j.legalForms[random.below(j.legalForms.count)]
        let legalName = j.country == "JP" ? "\(form)\(stem)" : "\(j.country == "FR" || j.country == "DE" ? stem : stem.uppercased()) \(form)"
        let registrationNumber = j.number(&random)
        let file = String(format: "corpus-%03d-%@.pdf", number, j.country.lowercased())
        let city = j.cities[random.below(j.cities.count)]
        func date() -> String { j.date(1 + random.below(28), 1 + random.below(12), 2005 + random.below(19)) }

        let pages = 1 + random.below(3)
        // About 26 rows fill a page after the header; officers and history entries run on.
        let rowsWanted = pages == 1 ? 8 + random.below(8) : (pages - 1) * 34 + 6 + random.below(14)
        var rows: [(String, String)] = [
            (j.labels.name, legalName),
            (j.labels.number, registrationNumber),
            (j.labels.address, "\(1 + random.below(180)) \(words[random.below(words.count)]) Road, \(city)"),
            (j.labels.incorporated, date()),
        ]
        var officerCount = 0, historyCount = 0
        while rows.count < rowsWanted {
            if officerCount < 6 {
                officerCount += 1
                let person = "\(givenNames[random.below(givenNames.count)]) \(surnames[random.below(surnames.count)])"
                rows.append((officerCount == 1 ? j.labels.officers : "", "\(j.officerRole): \(person), \(date())"))
            } else {
                historyCount += 1
                rows.append((historyCount == 1 ? j.labels.history : "", "\(date()) \(j.historyEntry)"))
            }
        }

        let metadata = PDFMetadata(
            title: "\(j.title) – \(legalName)", author: j.registry, subject: "\(j.labels.number) \(registrationNumber)",
            creator: "Paperwork sample maker (corpus)", creationDate: "2024-03-15T10:00:00Z"
        )
        let canvas = try PDFCanvas(pageSize: .a4, metadata: metadata)
        let page = canvas.pageSize
        let margin = 56.0, labelWidth = 190.0
        var pageNumber = 1
        func header() -> Double {
            canvas.text(j.registry, at: Point(x: margin, y: 48), font: j.font, size: 10, color: .gray(0.3))
            canvas.text(j.title, at: Point(x: margin, y: 66), width: page.width - 2 * margin, font: j.font, size: 15, weight: .bold)
            canvas.line(from: Point(x: margin, y: 100), to: Point(x: page.width - margin, y: 100), stroke: Stroke(color: .gray(0.2), width: 0.8))
            canvas.text("\(j.labels.page) \(pageNumber)", at: Point(x: page.width - margin, y: page.height - 40), font: j.font, size: 8, color: .gray(0.4), alignment: .right)
            canvas.text("Specimen drawn by the Paperwork sample maker · fictional company", at: Point(x: margin, y: page.height - 40), font: FontFamily.sans, size: 6.5, color: .gray(0.45))
            return 116
        }
        var y = header()
        for (label, value) in rows {
            if y > page.height - 80 {
                canvas.newPage()
                pageNumber += 1
                y = header()
            }
            if !label.isEmpty {
                canvas.text(label, at: Point(x: margin, y: y), width: labelWidth - 10, font: j.font, size: 9.5, weight: .bold)
            }
            let height = canvas.text(value, at: Point(x: margin + labelWidth, y: y), width: page.width - 2 * margin - labelWidth, font: j.font, size: 9.5).height
            y += max(height, 12) + 7
        }
        return (try canvas.finish(), Entry(file: file, country: j.country, legalName: legalName, registrationNumber: registrationNumber))
    }
}
