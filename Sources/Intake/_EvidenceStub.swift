// TEMPORARY until Evidence.swift lands.
public struct CompanyClaims: Sendable, Hashable, Codable {
    public var legalName: String?
    public var registrationNumber: String?
    public init(legalName: String? = nil, registrationNumber: String? = nil) { self.legalName = legalName; self.registrationNumber = registrationNumber }
}
public enum MatchKind: String, Sendable, Hashable, Codable { case exact }
public struct EvidenceMatch: Sendable, Hashable, Codable { public var declared: String; public var found: Bool; public var pages: [Int]; public var kind: MatchKind? }
public struct Evidence: Sendable, Hashable, Codable {
    public var legalName: EvidenceMatch?
    public var registrationNumber: EvidenceMatch?
    public var registrationNumberCandidates: [String]
}
public enum EvidenceFinder {
    public static func find(_ claims: CompanyClaims, inPages pages: [String]) -> Evidence { Evidence(legalName: nil, registrationNumber: nil, registrationNumberCandidates: []) }
}
