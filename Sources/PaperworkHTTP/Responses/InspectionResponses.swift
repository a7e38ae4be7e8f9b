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

    init(_ metadata: DocumentMetadata) {
        title = metadata.title
        author = metadata.author
        creator = metadata.creator
        producer = metadata.producer
        creation_date = metadata.creationDate
    }
}
