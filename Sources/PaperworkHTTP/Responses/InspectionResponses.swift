import Intake
import Store

/// Where a declared value was found (`EvidenceMatch` in `openapi.yaml`).
struct EvidenceMatchResponse: Encodable {
    var declared: String
    var found: Bool
    var pages: [Int]
    var kind: String?

    init(_ match: EvidenceMatch) {
        declared = match.declared
        found = match.found
        pages = match.pages
        kind = match.kind?.rawValue
    }
}

/// What the reviewer sees next to the page images (`Evidence` in `openapi.yaml`).
struct EvidenceResponse: Encodable {
    var legal_name: EvidenceMatchResponse?
    var registration_number: EvidenceMatchResponse?
    var registration_number_candidates: [String]
    /// True when the evidence was searched for in OCR text (the file has no text layer).
    var from_ocr: Bool

    init(_ evidence: Evidence) {
        legal_name = evidence.legalName.map(EvidenceMatchResponse.init)
        registration_number = evidence.registrationNumber.map(EvidenceMatchResponse.init)
        registration_number_candidates = evidence.registrationNumberCandidates
        from_ocr = evidence.fromOCR
    }
}

/// Where a scan's OCR stands, and how each page was read (`OCRStatus` in `openapi.yaml`).
struct OCRStatusResponse: Encodable {
    struct Page: Encodable {
        var page: Int
        var status: String
        var confidence: Int?
        var languages: [String]
        var reason: String?
    }

    /// `queued`, `running`, `done` or `failed`.
    var status: String
    var attempts: Int
    var error_code: String?
    var queued_at: String
    var finished_at: String?
    var pages: [Page]

    init(job: OCRJobRecord, inspection: Inspection) {
        status = job.state.rawValue
        attempts = job.attempts
        error_code = job.errorCode
        queued_at = job.createdAt
        finished_at = job.finishedAt
        pages = job.state == .done ? inspection.ocr.map {
            Page(page: $0.page, status: $0.status.rawValue, confidence: $0.status == .recognized ? $0.confidence : nil, languages: $0.languages, reason: $0.reason)
        } : []
    }
}

/// One page of a certificate's text: from its text layer, or read by OCR when it has none.
struct PageTextResponse: Encodable {
    var page: Int
    var text: String
    /// `text_layer` or `ocr`.
    var source: String
    /// OCR's mean word confidence (0–100), for OCR text only.
    var confidence: Int?

    /// Every page's text: a page with no text layer shows its OCR text when it was read.
    static func pages(of inspection: Inspection) -> [PageTextResponse] {
        let count = max(inspection.pageTexts.count, inspection.ocr.map(\.page).max() ?? 0)
        return (0..<count).map { index in
            let layer = index < inspection.pageTexts.count ? inspection.pageTexts[index] : ""
            if layer.allSatisfy(\.isWhitespace), let read = inspection.ocr.first(where: { $0.page == index + 1 && $0.status == .recognized }) {
                return PageTextResponse(page: index + 1, text: read.text, source: "ocr", confidence: read.confidence)
            }
            return PageTextResponse(page: index + 1, text: layer, source: "text_layer", confidence: nil)
        }
    }
}

/// A reason code with its sentence (`Finding` in `openapi.yaml`).
struct FindingResponse: Encodable {
    var code: String
    var message: String

    init(_ finding: Finding) {
        code = finding.code.rawValue
        message = finding.message
    }
}

/// A PDF's document information (`DocumentMetadata` in `openapi.yaml`).
struct DocumentMetadataResponse: Encodable {
    var title: String?
    var author: String?
    var creator: String?
    var producer: String?
    var creation_date: String?
    var modification_date: String?

    init(_ metadata: DocumentMetadata) {
        title = metadata.title
        author = metadata.author
        creator = metadata.creator
        producer = metadata.producer
        creation_date = metadata.creationDate
        modification_date = metadata.modificationDate
    }
}

/// A forensic signal with its evidence (`ForensicSignal` in `openapi.yaml`): staff only.
struct SignalResponse: Encodable {
    struct Fact: Encodable { var name: String; var value: String }
    struct Area: Encodable { var page: Int; var x: Double; var y: Double; var width: Double; var height: Double }
    struct Related: Encodable { var certificate_id: String?; var company_id: String; var company_name: String; var relation: String }

    var code: String
    var message: String
    var pages: [Int]
    var facts: [Fact]
    var text_removed: [String]
    var text_added: [String]
    var areas: [Area]
    var related: [Related]

    init(_ signal: ForensicSignal) {
        code = signal.code.rawValue
        message = signal.message
        pages = signal.pages
        facts = signal.facts.map { Fact(name: $0.name, value: $0.value) }
        text_removed = signal.textRemoved
        text_added = signal.textAdded
        areas = signal.areas.map { Area(page: $0.page, x: $0.x, y: $0.y, width: $0.width, height: $0.height) }
        related = signal.related.map {
            Related(certificate_id: $0.certificateID.isEmpty ? nil : $0.certificateID, company_id: $0.companyID, company_name: $0.companyName, relation: $0.relation)
        }
    }
}
