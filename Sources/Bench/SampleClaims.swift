import Foundation
import Intake
import Synchronization

/// What each benchmarked file's company declared, so that intake searches and checks claims
/// as it does for an upload: the samples' companies by file name, a generated corpus's from
/// the `corpus.tsv` beside its files. Files of neither kind are inspected without claims.
enum SampleClaims {
    static let samples: [String: CompanyClaims] = [
        "uk-certificate-of-incorporation.pdf": .init(legalName: "NORTHWIND CONNECT LIMITED", registrationNumber: "12345678", country: "GB"),
        "fr-extrait-kbis.pdf": .init(legalName: "SOCIÉTÉ DES RÉSEAUX DU LÉMAN", registrationNumber: "912 345 675", country: "FR"),
        "fr-extrait-kbis-signe.pdf": .init(legalName: "SOCIÉTÉ DES RÉSEAUX DU LÉMAN", registrationNumber: "912 345 675", country: "FR"),
        "de-handelsregister-auszug.pdf": .init(legalName: "Brücken Netzwerke GmbH", registrationNumber: "HRB 123456", country: "DE"),
        "sg-acra-business-profile.pdf": .init(legalName: "STRAITS INTERCONNECT PTE. LTD.", registrationNumber: "201912345R", country: "SG"),
        "jp-rireki-jiko-zenbu-shomeisho.pdf": .init(legalName: "株式会社東京ネットワークス", registrationNumber: "0104-01-123456", country: "JP"),
        "hk-certificate-of-incorporation.pdf": .init(legalName: "HARBOUR PEERING LIMITED", registrationNumber: "3123456", country: "HK"),
        "jp-genzai-jiko-shomeisho-cid.pdf": .init(legalName: "株式会社浪速データリンク", registrationNumber: "1200-01-234567", country: "JP"),
        "cn-business-licence-cid.pdf": .init(legalName: "上海云桥数据科技有限公司", registrationNumber: "91310115MA1H7KQ231", country: "CN"),
    ]

    /// Corpus manifests read so far, by folder.
    private static let manifests = Mutex<[String: [String: CompanyClaims]]>([:])

    /// The claims for `path`; none when it is neither a sample nor listed in a corpus manifest.
    static func claims(for path: String) -> CompanyClaims {
        let url = URL(fileURLWithPath: path)
        if let known = samples[url.lastPathComponent] { return known }
        let folder = url.deletingLastPathComponent().path
        return manifests.withLock { read in
            if read[folder] == nil { read[folder] = manifest(in: folder) }
            return read[folder]?[url.lastPathComponent] ?? CompanyClaims()
        }
    }

    /// `corpus.tsv`: file, country, legal name, registration number.
    private static func manifest(in folder: String) -> [String: CompanyClaims] {
        guard let text = try? String(contentsOfFile: folder + "/corpus.tsv", encoding: .utf8) else { return [:] }
        var claims: [String: CompanyClaims] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 4 else { continue }
            claims[fields[0]] = CompanyClaims(legalName: fields[2], registrationNumber: fields[3], country: fields[1])
        }
        return claims
    }
}
