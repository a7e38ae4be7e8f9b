public import Foundation

extension LetterOfAuthorization {
    /// A complete letter with every field set, for the LOA tests and `paperwork-bench loa`. It
    /// lives here rather than in the tests' TestSupport because the benchmark, an executable,
    /// needs it too and does not depend on test code. The service never uses it.
    public static func sample(
        id: String = "LOA-2026-000123",
        authorizedParty: String = "Société Générale Télécom Zürich",
        facilityName: String = "Equinix LD8 Docklands",
        patchPanel: String = "PP-0042",
        portPositions: String = "13/14",
        serviceID: String = "SVC-7F3K-92QA",
        language: Language = .english,
        paperSize: PaperSize = .a4,
        signatureImagePNG: Data? = nil
    ) throws -> LetterOfAuthorization {
        LetterOfAuthorization(
            id: id,
            issueDate: try CalendarDate("2026-11-26"),
            expiryDate: try CalendarDate("2027-01-25"),
            issuer: .init(
                legalName: "Northwind Connect Ltd",
                addressLines: ["100 Example Street", "London EC2A 4NE", "United Kingdom"],
                nocEmail: "noc@northwind-connect.example",
                nocPhone: "+44 20 7946 0000"
            ),
            authorizedParty: authorizedParty,
            facility: .init(name: facilityName, addressLines: ["6/7 Harbour Exchange Square", "London E14 9GE", "United Kingdom"]),
            cage: "Cage 0412",
            cabinet: "Cabinet R07",
            patchPanel: patchPanel,
            portPositions: portPositions,
            speed: .tenGigabit,
            serviceID: serviceID,
            signatory: .init(name: "Alex Morgan", title: "Head of Network Operations", titles: ["fr": "Directeur des opérations réseau"], signatureImagePNG: signatureImagePNG),
            verificationURL: "https://paperwork.example/verify/\(id)",
            language: language,
            paperSize: paperSize
        )
    }
}
