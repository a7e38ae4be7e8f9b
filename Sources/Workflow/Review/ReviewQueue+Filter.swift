import Foundation
public import Store

/// The queue as a reviewer narrows it: by state, due time, country, verdict, flag, source,
/// and a search over company name, registration number and the e-mail addresses of the
/// company's people. The queue holds at most a few hundred items, so it is read whole and
/// filtered here; the counts per state are of the whole queue, so they do not move with the
/// filters.
extension ReviewQueue {
    /// What a reviewer asks of the queue; every part is optional.
    public struct QueueFilter: Sendable, Hashable {
        /// Folded text in the legal name or registration number (spaces and dots ignored), or
        /// part of an e-mail address of the uploader or a member (when it contains `@`).
        public var search: String?
        /// `unclaimed`, `mine` (held by the caller), `claimed` (held by anyone), or
        /// `awaiting_confirmation` (a first approval waits for a second reviewer).
        public var state: String?
        /// Only items past their due time.
        public var overdueOnly = false
        /// Only items due within this many hours (overdue ones included).
        public var dueWithinHours: Int?
        /// ISO country code of the company.
        public var country: String?
        /// Intake's verdict (`accepted`, `needs_visual_review`).
        public var verdict: String?
        /// An intake flag the certificate carries (`image_only`, `incremental_updates`…).
        public var flag: String?
        /// Where the item came from: `upload` or `revalidation`.
        public var source: String?

        /// No filter: the whole queue.
        public init() {}
    }

    /// The queue narrowed by a filter, and how many items the whole queue holds per state.
    public struct FilteredQueue: Sendable {
        /// The items that match, oldest first.
        public var items: [Item]
        /// The whole queue's counts: `all`, `unclaimed`, `mine`, `claimed`,
        /// `awaiting_confirmation`, `overdue`, `due_soon` (within 12 hours).
        public var counts: [String: Int]
        /// The items' evidence in short, by certificate id.
        public var evidence: [String: EvidenceSummary] = [:]
        /// The items' OCR job states, by certificate id (scans only).
        public var ocr: [String: OCRJobState] = [:]
    }

    /// The queue as `filter` narrows it, for the caller (who must be staff).
    public func items(by principal: Principal, matching filter: QueueFilter) async throws -> FilteredQueue {
        let all = try await items(by: principal, limit: 500)
        let me = principal.actorName
        var counts = ["all": all.count, "unclaimed": 0, "mine": 0, "claimed": 0, "awaiting_confirmation": 0, "overdue": 0, "due_soon": 0]
        let now = Timestamp.format(intake.clock())
        for item in all {
            let held = Self.isHeld(item.certificate, now: now)
            if held { counts["claimed", default: 0] += 1 } else { counts["unclaimed", default: 0] += 1 }
            if held, item.certificate.claimedBy == me { counts["mine", default: 0] += 1 }
            if item.certificate.status == .awaitingConfirmation { counts["awaiting_confirmation", default: 0] += 1 }
            if item.overdue { counts["overdue", default: 0] += 1 } else if item.secondsLeft < 12 * 3600 { counts["due_soon", default: 0] += 1 }
        }
        let search = filter.search?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() ?? ""
        var peopleCompanies: Set<String> = [], peopleIDs: Set<String> = []
        if search.contains("@") {
            (peopleIDs, peopleCompanies) = try await store.withSession { database in
                let ids = try await AccountRepository.userIDs(emailContaining: search, limit: 200, on: database)
                var companies: Set<String> = []
                for id in ids { for membership in try await MembershipRepository.memberships(ofUser: id, on: database) { companies.insert(membership.companyID) } }
                return (Set(ids), companies)
            }
        }
        let folded = Self.searchKey(search)
        let items = all.filter { item in
            let certificate = item.certificate, company = item.company
            let held = Self.isHeld(certificate, now: now)
            switch filter.state {
            case "unclaimed": if held { return false }
            case "mine": if !held || certificate.claimedBy != me { return false }
            case "claimed": if !held { return false }
            case "awaiting_confirmation": if certificate.status != .awaitingConfirmation { return false }
            default: break
            }
            if filter.overdueOnly, !item.overdue { return false }
            if let hours = filter.dueWithinHours, item.secondsLeft > hours * 3600 { return false }
            if let country = filter.country, !country.isEmpty, company.country != country.uppercased() { return false }
            if let verdict = filter.verdict, !verdict.isEmpty, certificate.verdict != verdict { return false }
            if let flag = filter.flag, !flag.isEmpty, !certificate.flags.contains(flag) { return false }
            if let source = filter.source, !source.isEmpty, certificate.source != source { return false }
            if !search.isEmpty {
                if search.contains("@") {
                    return peopleIDs.contains(certificate.uploadedBy) || peopleCompanies.contains(company.id)
                }
                return Self.searchKey(company.legalName).contains(folded) || Self.searchKey(company.registrationNumber).contains(folded)
            }
            return true
        }
        let ids = items.map(\.certificate.id)
        let (evidence, jobs) = try await store.withSession { database in
            (try await CertificateRepository.evidenceSummaries(ids: ids, on: database), try await OCRJobRepository.jobs(certificateIDs: ids, on: database))
        }
        return FilteredQueue(items: items, counts: counts, evidence: evidence, ocr: jobs.mapValues(\.state))
    }

    /// Whether a reviewer holds the item now (an expired claim holds nothing).
    static func isHeld(_ certificate: CertificateRecord, now: String) -> Bool {
        guard certificate.claimedBy != nil, let until = certificate.claimUntil else { return false }
        return until > now
    }

    /// Text as searches compare it: lower case, accents and case folded, spaces, dots,
    /// dashes and slashes dropped (`912 345 678` finds `912345678`, `Société` finds `societe`).
    static func searchKey(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .filter { !" .-/".contains($0) }
    }
}
