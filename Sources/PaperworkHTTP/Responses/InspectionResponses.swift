import Intake

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

    init(_ evidence: Evidence) {
        legal_name = evidence.legalName.map(EvidenceMatchResponse.init)
        registration_number = evidence.registrationNumber.map(EvidenceMatchResponse.init)
        registration_number_candidates = evidence.registrationNumberCandidates
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
