import Foundation

/// Everything the forensic checks read about one document, gathered by the inspection.
struct ForensicMaterial {
    var metadata: DocumentMetadata?
    var pageTexts: [String]
    var pageLayouts: [PageLayoutFindings]
    var revisionChange: RevisionChange?
    var claims: CompanyClaims
    /// The day the file was received: the age of a certificate is counted to it, so a stored
    /// certificate's signals do not change as days pass, only when the rules do.
    var receivedOn: CalendarDay
    var rules: ForensicRules
}

/// Turns what intake read into forensic signals, at most one per code, each with a sentence
/// and its evidence. A signal informs a reviewer; it never changes a verdict.
enum ForensicExaminer {
    static func signals(_ material: ForensicMaterial) -> [ForensicSignal] {
        var signals: [ForensicSignal] = []
        if let signal = editedAfterCreation(material.revisionChange) { signals.append(signal) }
        if let signal = editingTool(material.metadata, rules: material.rules) { signals.append(signal) }
        if let signal = coveredText(material.pageLayouts) { signals.append(signal) }
        if let signal = fontMismatch(material.pageLayouts, claims: material.claims) { signals.append(signal) }
        if let signal = registrationNumberInvalid(material.claims) { signals.append(signal) }
        if let signal = documentOutdated(material) { signals.append(signal) }
        return signals
    }

    static func editedAfterCreation(_ change: RevisionChange?) -> ForensicSignal? {
        guard let change else { return nil }
        let pages = change.changedPages.map(String.init).joined(separator: ", ")
        return ForensicSignal(
            .editedAfterCreation,
            "The file has \(change.revisions) revisions, and a later one changed what page\(change.changedPages.count == 1 ? "" : "s") \(pages) show\(change.changedPages.count == 1 ? "s" : ""): compare the text removed and added with a copy from the registry.",
            pages: change.changedPages,
            facts: [SignalFact("Revisions", String(change.revisions)), SignalFact("Pages changed", pages)],
            textRemoved: change.removed, textAdded: change.added
        )
    }

    static func editingTool(_ metadata: DocumentMetadata?, rules: ForensicRules) -> ForensicSignal? {
        guard let metadata else { return nil }
        var sentences: [String] = []
        var facts: [SignalFact] = []
        let names = [metadata.producer, metadata.creator].compactMap(\.self)
        if let (tool, field) = rules.editingTool(in: names) {
            sentences.append("The PDF was written with \(tool.name) (\(tool.kind.replacingOccurrences(of: "_", with: " "))), which a registry does not use.")
            facts.append(SignalFact("Tool", "\(tool.name) (\(tool.kind))"))
            facts.append(SignalFact(field == metadata.producer ? "Producer" : "Creator", field))
        }
        if let created = metadata.creationDate.flatMap(Self.instant), let modified = metadata.modificationDate.flatMap(Self.instant) {
            let hours = modified.timeIntervalSince(created) / 3600
            if hours < -1.0 / 60 {
                sentences.append("It says it was modified before it was created.")
            } else if hours > rules.modificationWindowHours {
                let days = Int((hours / 24).rounded(.down))
                sentences.append("It was modified \(days >= 1 ? "\(days) day\(days == 1 ? "" : "s")" : "\(Int(hours)) hours") after it was created.")
            }
            if sentences.count > (facts.isEmpty ? 0 : 1) {
                facts.append(SignalFact("Created", metadata.creationDate ?? ""))
                facts.append(SignalFact("Modified", metadata.modificationDate ?? ""))
            }
        }
        guard !sentences.isEmpty else { return nil }
        return ForensicSignal(.editingTool, sentences.joined(separator: " "), facts: facts)
    }

    /// ISO 8601 as the metadata stores it ("2024-03-15T10:42:00Z").
    static func instant(_ iso: String) -> Date? {
        let parts = iso.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int($0) }
        guard parts.count == 6, let day = CalendarDay(year: parts[0], month: parts[1], day: parts[2]) else { return nil }
        let epochDays = CalendarDay(year: 1970, month: 1, day: 1).map { $0.days(until: day) } ?? 0
        return Date(timeIntervalSince1970: Double(epochDays) * 86_400 + Double(parts[3] * 3600 + parts[4] * 60 + parts[5]))
    }

    static func coveredText(_ layouts: [PageLayoutFindings]) -> ForensicSignal? {
        let hidden = layouts.flatMap(\.hidden)
        guard !hidden.isEmpty else { return nil }
        var facts: [SignalFact] = []
        for item in hidden.prefix(10) {
            switch item.cause {
            case let .overlapping(other):
                facts.append(SignalFact("Page \(item.area.page): drawn on the same spot", "“\(item.text)” and “\(other)”"))
            case .offPage:
                facts.append(SignalFact("Page \(item.area.page): off the page", item.text))
            case .notVisible:
                facts.append(SignalFact("Page \(item.area.page): in the file, not on the page", item.text))
            }
        }
        var sentences: [String] = []
        if hidden.contains(where: { if case .overlapping = $0.cause { true } else { false } }) {
            sentences.append("Different texts are drawn on the same spot: one covers the other, as when a value is whited out and retyped. The page image shows which one is visible; the other is hidden under it.")
        }
        if hidden.contains(where: { $0.cause == .notVisible }) {
            sentences.append("Text is in the file but the page does not show it: a shape or an image covers it, or it is drawn invisible. Text searches find it; readers of the page do not.")
        }
        if hidden.contains(where: { $0.cause == .offPage }) {
            sentences.append("Text lies outside the page, where nobody reading the page can see it.")
        }
        let message = sentences.joined(separator: " ")
        return ForensicSignal(
            .coveredText, message, pages: Array(Set(hidden.map(\.area.page))).sorted(), facts: facts,
            areas: hidden.prefix(20).map(\.area)
        )
    }

    /// A value set in a size more than this fraction away from every other size on its line
    /// stands out from its row (a pasted value keeps the size it was typed in).
    static let lineSizeTolerance = 0.15

    static func fontMismatch(_ layouts: [PageLayoutFindings], claims: CompanyClaims) -> ForensicSignal? {
        func foreignFamily(_ item: ClaimFont) -> Bool { !item.otherFamilies.isEmpty && !item.otherFamilies.contains(item.family) }
        // Size counts only against the value's own line: a heading that sets the name larger
        // than the body is how genuine certificates look.
        func foreignSize(_ item: ClaimFont) -> Bool {
            !item.lineSizes.isEmpty && item.size > 0 && item.lineSizes.allSatisfy { abs($0 - item.size) > lineSizeTolerance * item.size }
        }
        let odd = layouts.flatMap(\.claimFonts).filter { foreignFamily($0) || foreignSize($0) }
        guard !odd.isEmpty else { return nil }
        let labels = ["legal name", "registration number"]
        var facts: [SignalFact] = []
        for item in odd.prefix(6) {
            facts.append(SignalFact("Page \(item.area.page): \(labels[item.claim])", "\(item.family) \(String(format: "%.1f", item.size)) pt"))
            if foreignFamily(item) {
                facts.append(SignalFact("Page \(item.area.page): the rest of the page", item.otherFamilies.prefix(4).joined(separator: ", ")))
            }
            if foreignSize(item) {
                facts.append(SignalFact("Page \(item.area.page): the rest of its line", item.lineSizes.map { String(format: "%.1f pt", $0) }.joined(separator: ", ")))
            }
        }
        let which = Set(odd.map(\.claim)).sorted().map { labels[$0] }.joined(separator: " and the ")
        return ForensicSignal(
            .fontMismatch,
            "The declared \(which) is set in a font, or a size, that the rest of the page (or of its line) does not use, as when a value is pasted in.",
            pages: Array(Set(odd.map(\.area.page))).sorted(), facts: facts, areas: odd.prefix(20).map(\.area)
        )
    }

    static func registrationNumberInvalid(_ claims: CompanyClaims) -> ForensicSignal? {
        guard let number = claims.registrationNumber, let country = claims.country?.uppercased(),
              let problem = RegistrationNumberRules.check(number, country: country) else { return nil }
        return ForensicSignal(
            .registrationNumberInvalid, "The declared registration number cannot be a valid \(problem.scheme): \(problem.explanation).",
            facts: [SignalFact("Declared", number), SignalFact("Country", country), SignalFact("Rule", problem.scheme)]
        )
    }

    static func documentOutdated(_ material: ForensicMaterial) -> ForensicSignal? {
        guard let issued = IssueDateFinder.find(inPages: material.pageTexts) else { return nil }
        let age = issued.day.days(until: material.receivedOn)
        var facts = [SignalFact("Issued", "\(issued.printed) (\(issued.day))"), SignalFact("Received", material.receivedOn.description)]
        if let label = issued.label { facts.insert(SignalFact("Found by the words", label), at: 0) }
        if -age > material.rules.futureToleranceDays {
            return ForensicSignal(.documentOutdated, "The certificate is dated \(issued.day), after the day it was received.", pages: [issued.page], facts: facts)
        }
        guard let country = material.claims.country?.uppercased(), let limit = material.rules.maxDocumentAgeDays[country], age > limit else { return nil }
        facts.append(SignalFact("Oldest allowed (\(country))", "\(limit) days"))
        return ForensicSignal(
            .documentOutdated, "The certificate was issued \(age) days before it was received; \(country) certificates may be at most \(limit) days old.",
            pages: [issued.page], facts: facts
        )
    }
}
