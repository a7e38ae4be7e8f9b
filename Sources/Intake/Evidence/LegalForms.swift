// MARK: - Legal forms

extension EvidenceFinder {
    /// Spellings of legal forms, each replaced by one canonical word in claims and texts alike.
    ///
    /// A canonical word contains a space when the form has two words ("pte ltd"), so it can never
    /// equal a word of the text. Longer spellings are tried first ("Public Limited Company" is
    /// PLC, not "Public Ltd Co").
    enum LegalForms {
        struct Form: Sendable {
            let words: [String]
            let canonical: String
        }

        static let byFirstWord: [String: [Form]] = {
            var table: [String: [Form]] = [:]
            for (canonical, spellings) in spellings {
                for spelling in spellings {
                    let words = Folding.mergingInitials(Folding.rawNameTokens(Folding.NormalizedText(spelling).lower))
                    guard let first = words.first else { continue }
                    let form = Form(words: words, canonical: canonical)
                    let known = table[first, default: []].contains { $0.words == words }
                    if !known { table[first, default: []].append(form) }
                }
            }
            return table.mapValues { $0.sorted { $0.words.count > $1.words.count } }
        }()

        /// Every combination of one spelling per word: `combinations(["Private", "Pte"], ["Limited", "Ltd"])`.
        private static func combinations(_ slots: [String]...) -> [String] {
            slots.reduce([""]) { partial, slot in
                partial.flatMap { prefix in slot.map { prefix.isEmpty ? $0 : prefix + " " + $0 } }
            }
        }

        private static var spellings: [(String, [String])] {
            [
                // Common law.
                ("ltd", ["Limited", "Ltd"]),
                ("pte ltd", combinations(["Private", "Pte", "Pvt"], ["Limited", "Ltd"])),
                ("pty ltd", combinations(["Proprietary", "Pty"], ["Limited", "Ltd"])),
                ("plc", ["PLC"] + combinations(["Public"], ["Limited", "Ltd"], ["Company", "Co"])),
                ("inc", ["Incorporated", "Inc"]),
                ("corp", ["Corporation", "Corp"]),
                ("co", ["Company", "Co"]),
                ("llc", ["LLC"] + combinations(["Limited"], ["Liability"], ["Company", "Co"])),
                ("llp", ["LLP", "Limited Liability Partnership"]),
                ("lp", ["Limited Partnership"]),
                ("sdn bhd", combinations(["Sendirian", "Sdn"], ["Berhad", "Bhd"])),
                // German-speaking countries.
                ("gmbh", ["GmbH", "Gesellschaft mit beschränkter Haftung", "Gesellschaft mbH", "Ges.m.b.H."]),
                ("ag", ["AG", "Aktiengesellschaft"]),
                ("kg", ["KG", "Kommanditgesellschaft"]),
                ("ug", ["UG (haftungsbeschränkt)", "UG"]),
                // French-speaking countries.
                ("sas", ["SAS", "Société par actions simplifiée"]),
                ("sasu", ["SASU", "Société par actions simplifiée unipersonnelle"]),
                ("sa", ["SA", "Société anonyme"]),
                ("sarl", ["SARL", "Société à responsabilité limitée"]),
                ("eurl", ["EURL", "Entreprise unipersonnelle à responsabilité limitée"]),
                // Benelux.
                ("bv", ["BV", "Besloten Vennootschap", "Besloten Vennootschap met beperkte aansprakelijkheid"]),
                ("nv", ["NV", "Naamloze Vennootschap"]),
                // Japan and Hong Kong.
                ("kk", ["KK", "Kabushiki Kaisha", "Kabushiki Gaisha", "Kabushikikaisha", "Kabushikigaisha", "株式会社"]),
                ("gk", ["Godo Kaisha", "Godo Gaisha", "合同会社"]),
                ("yk", ["Yugen Kaisha", "有限会社"]),
                ("ltd", ["有限公司"]),
            ]
        }
    }
}
