/// The fields printed on a letter, the same in every rendition (no language, no paper size):
/// what the letter's JWS signs (``LetterClaims``) and what the verification page shows. One
/// list, so the two cannot drift apart.
public struct PrintedFields: Sendable, Codable, Equatable {
    /// Issue date, `YYYY-MM-DD`.
    public var issueDate: String
    /// Last valid day, `YYYY-MM-DD`.
    public var expiryDate: String
    /// The issuer's legal name.
    public var issuer: String
    /// The company authorized to order the cross-connect.
    public var authorizedParty: String
    /// The datacenter.
    public var facility: String
    /// Its address, as printed.
    public var facilityAddress: [String]
    /// Cage or suite.
    public var cage: String
    /// Cabinet.
    public var cabinet: String
    /// Patch panel.
    public var patchPanel: String
    /// Port positions on the panel.
    public var portPositions: String
    /// `single_mode_fiber` or `multi_mode_fiber`.
    public var media: String
    /// `LC` or `SC`.
    public var connector: String
    /// The port's speed.
    public var speed: String
    /// The service id.
    public var serviceID: String

    enum CodingKeys: String, CodingKey {
        case issueDate = "issue_date", expiryDate = "expiry_date", issuer, authorizedParty = "authorized_party"
        case facility, facilityAddress = "facility_address", cage, cabinet, patchPanel = "patch_panel"
        case portPositions = "port_positions", media, connector, speed, serviceID = "service_id"
    }

    /// What `letter` prints.
    public init(_ letter: LetterOfAuthorization) {
        issueDate = letter.issueDate.description
        expiryDate = letter.expiryDate.description
        issuer = letter.issuer.legalName
        authorizedParty = letter.authorizedParty
        facility = letter.facility.name
        facilityAddress = letter.facility.addressLines
        cage = letter.cage
        cabinet = letter.cabinet
        patchPanel = letter.patchPanel
        portPositions = letter.portPositions
        media = letter.media.rawValue
        connector = letter.connector.rawValue
        speed = letter.speed.rawValue
        serviceID = letter.serviceID
    }
}
