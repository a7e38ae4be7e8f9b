import Foundation
import LOA
import Hummingbird
import NIOCore
import Store
import Workflow

/// The datacenter catalog, ports and LOAs: `GET /v1/datacenters`, `GET /v1/datacenters/{id}`,
/// `POST /v1/datacenters/import`, `GET|POST /v1/datacenters/{id}/panels`, `POST|GET /v1/ports`,
/// `GET|DELETE /v1/ports/{id}`, `POST /v1/ports/{id}/activate`, `GET|POST /v1/ports/{id}/loa`,
/// `GET /v1/loas/{id}`, and the public `GET /verify/{id}` (HTML or JSON by `Accept`).
struct PortsController {
    let catalog: Catalog
    let ports: Ports

    struct DatacenterList: ResponseEncodable { var datacenters: [DatacenterResponse] }
    struct PanelResponse: Encodable {
        var id: String, cage: String, cabinet: String, name: String, positions: Int, media: String, connector: String, free_pairs: Int
    }
    struct PanelList: ResponseEncodable { var panels: [PanelResponse] }
    struct PanelsRequest: Decodable { var panels: [Catalog.PanelSpec] }
    struct PanelsLoaded: ResponseEncodable { var created: Int; var updated: Int }
    struct ImportResponse: ResponseEncodable { var report: Catalog.ImportReport }
    struct OrderRequest: Decodable {
        var company_id: String
        var datacenter_id: String
        var speed: String
        var media: String?
        var connector: String?
    }
    /// An activation's optional body: the datacenter's id for the cross-connect.
    struct ActivationRequest: Decodable { var cross_connect_id: String? }
    struct PortList: ResponseEncodable { var ports: [PortResponse] }
    struct LOAResponse: ResponseEncodable {
        var id: String, port_id: String, company_id: String, issued_at: String, expires_at: String, status: String
        var language: String, paper_size: String, superseded_by: String?, revoked_at: String?, pdf_url: String, verify_url: String
        var signature_level: String?
        var jws: String?

        init(_ record: LOARecord) {
            id = record.id
            port_id = record.portID
            company_id = record.companyID
            issued_at = record.issuedAt
            expires_at = record.expiresAt
            status = record.status
            language = record.language
            paper_size = record.paperSize
            superseded_by = record.supersededBy
            revoked_at = record.revokedAt
            pdf_url = "/v1/ports/\(record.portID)/loa"
            verify_url = "/verify/\(record.id)"
            signature_level = record.signatureLevel
            jws = record.jws
        }
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("v1/datacenters") { request, context -> DatacenterList in
            _ = try context.requirePrincipal()
            let query = QueryParameters(request)
            return DatacenterList(datacenters: try await catalog.search(
                country: query.string("country"), query: query.string("q"),
                limit: try query.integer("limit", in: 1...200, default: 50), offset: try query.integer("offset", in: 0...QueryParameters.maxOffset, default: 0)
            ).map(DatacenterResponse.init))
        }
        router.get("v1/datacenters/{id}") { _, context -> DatacenterResponse in
            _ = try context.requirePrincipal()
            return DatacenterResponse(try await catalog.datacenter(try context.parameters.require("id")))
        }
        router.post("v1/datacenters/import") { request, context -> ImportResponse in
            guard case .staff(.operator, _) = try context.requirePrincipal() else {
                throw APIError(.forbidden, code: "operator_only", detail: "only operators import the catalog")
            }
            let body = try await RequestBody.collect(request, limit: 50 * 1024 * 1024)
            return ImportResponse(report: try await catalog.importPeeringDB(Array(buffer: body)))
        }
        router.get("v1/datacenters/{id}/panels") { _, context -> PanelList in
            _ = try context.requirePrincipal()
            let panels = try await catalog.panels(of: try context.parameters.require("id"))
            return PanelList(panels: panels.map { panel, free in
                PanelResponse(id: panel.id, cage: panel.cage, cabinet: panel.cabinet, name: panel.name, positions: panel.positions, media: panel.media, connector: panel.connector, free_pairs: free)
            })
        }
        router.post("v1/datacenters/{id}/panels") { request, context -> EditedResponse<PanelsLoaded> in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            // A datacenter that does not exist is 404, as for GET; the body names none.
            _ = try await catalog.datacenter(id)
            var body = try await RequestBody.json(PanelsRequest.self, from: request, limit: 1024 * 1024)
            for index in body.panels.indices { body.panels[index].datacenter = id; body.panels[index].peeringDBID = nil }
            let (created, updated) = try await catalog.loadPanels(body.panels, by: principal)
            return EditedResponse(status: .created, response: PanelsLoaded(created: created, updated: updated))
        }

        router.post("v1/ports") { request, context -> EditedResponse<PortResponse> in
            let principal = try context.requirePrincipal()
            let body = try await RequestBody.json(OrderRequest.self, from: request)
            let port = try await ports.order(.init(companyID: body.company_id, datacenterID: body.datacenter_id, speed: body.speed, media: body.media, connector: body.connector), by: principal)
            return EditedResponse(status: .created, headers: [.location: "/v1/ports/\(port.id)"], response: PortResponse(port))
        }
        router.get("v1/ports") { request, context -> PortList in
            let principal = try context.requirePrincipal()
            guard let company = request.uri.queryParameters["company_id"].map({ String($0) }) else {
                throw APIError(.badRequest, code: "missing_field", detail: "send ?company_id=…")
            }
            return PortList(ports: try await ports.ports(of: company, by: principal).map(PortResponse.init))
        }
        router.get("v1/ports/{id}") { _, context -> PortResponse in
            PortResponse(try await ports.port(try context.parameters.require("id"), by: try context.requirePrincipal()))
        }
        router.delete("v1/ports/{id}") { _, context -> PortResponse in
            PortResponse(try await ports.cancel(try context.parameters.require("id"), by: try context.requirePrincipal()))
        }
        router.post("v1/ports/{id}/activate") { request, context -> PortResponse in
            let body = try await RequestBody.json(ActivationRequest.self, from: request, allowEmpty: true)
            return PortResponse(try await ports.activate(try context.parameters.require("id"), crossConnectID: body?.cross_connect_id, by: try context.requirePrincipal()))
        }
        router.get("v1/ports/{id}/loa") { request, context -> Response in
            let query = request.uri.queryParameters
            let issued = try await ports.currentLOA(portID: try context.parameters.require("id"), by: try context.requirePrincipal(),
                                                    language: query["language"].map { String($0) }, paperSize: query["paper"].map { String($0) })
            return Self.pdf(issued)
        }
        router.post("v1/ports/{id}/loa") { request, context -> Response in
            let query = request.uri.queryParameters
            let issued = try await ports.reissueLOA(portID: try context.parameters.require("id"), by: try context.requirePrincipal(),
                                                    language: query["language"].map { String($0) }, paperSize: query["paper"].map { String($0) })
            var response = Self.pdf(issued)
            response.status = .created
            return response
        }
        router.get("v1/loas/{id}") { _, context -> LOAResponse in
            LOAResponse(try await ports.loa(try context.parameters.require("id"), by: try context.requirePrincipal()))
        }
        // The certificates letters were signed with, current first: public, for datacenters.
        router.get("loa/certificates.pem") { _, _ -> Response in
            let pem = try await ports.signingCertificates().map(\.chainPEM).joined()
            return Response(status: .ok, headers: [.contentType: "application/x-pem-file", .cacheControl: "public, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(string: pem)))
        }
        router.get("loa/certificates.jwks") { _, _ -> Response in
            let certificates = try await ports.signingCertificates()
            var keys: [[String: Any]] = []
            for (index, certificate) in certificates.enumerated() {
                var key: [String: Any] = certificate.jwk
                key["x5c"] = certificate.x5c
                key["x5t#S256"] = certificate.thumbprint
                key["status"] = index == 0 ? "current" : "retired"
                keys.append(key)
            }
            let body = try JSONSerialization.data(withJSONObject: ["keys": keys], options: [.sortedKeys, .withoutEscapingSlashes])
            return Response(status: .ok, headers: [.contentType: "application/jwk-set+json", .cacheControl: "public, max-age=3600"],
                            body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("verify/{id}") { request, context -> Response in
            let id = try context.parameters.require("id")
            let verification = try await ports.verify(id)
            let status: HTTPResponse.Status = verification.status == "unknown" ? .notFound : .ok
            if request.headers[.accept]?.contains("text/html") == true {
                let language = VerifyPage.language(
                    query: request.uri.queryParameters["lang"].map { String($0) }, letter: verification.language, acceptLanguage: request.headers[.acceptLanguage]
                )
                var verification = verification
                verification.wording = ports.wording(language)
                return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                                          .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'"],
                                body: .init(byteBuffer: ByteBuffer(string: VerifyPage.html(id: id, verification, language: language))))
            }
            var response = try JSONResponse.make(verification, status: status)
            response.headers[.cacheControl] = "no-store"
            return response
        }
    }

    static func pdf(_ issued: Ports.IssuedLOA) -> Response {
        Response(status: .ok, headers: [
            .contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(issued.fileName)\"",
            .cacheControl: "private, no-cache", .init("X-LOA-Id")!: issued.record.id,
        ], body: .init(byteBuffer: ByteBuffer(bytes: issued.pdf)))
    }
}

/// The public verification page: plain HTML, every value escaped.
/// The public verification page a datacenter's desk opens from the QR code: the letter's
/// status in words, colour and an icon, its printed fields with their labels in the letter's
/// language (or the one asked for), the port's state, on a phone-width layout.
enum VerifyPage {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    /// The page's language: `?lang=`, else the letter's, else the browser's first, else English.
    static func language(query: String?, letter: String?, acceptLanguage: String?) -> String {
        let supported = ["en", "fr"]
        if let query, supported.contains(query) { return query }
        if let letter, supported.contains(letter) { return letter }
        let browser = acceptLanguage?.split(separator: ",").first.map { String($0.prefix(2)).lowercased() }
        return browser.flatMap { supported.contains($0) ? $0 : nil } ?? "en"
    }

    struct Texts {
        var title: String, issuer: String, port: String, crossConnect: String, other: String
        var headlines: [String: String]
        var statusWords: [String: String]
        var portStates: [String: String]
    }

    static let texts: [String: Texts] = [
        "en": Texts(
            title: "Letter of Authorization", issuer: "Issuer", port: "Port", crossConnect: "Cross-connect id", other: "Français",
            headlines: [
                "valid": "This letter is genuine and valid.", "not_genuine": "This letter is on record, but its stored signature does not verify: contact the issuer.",
                "expired": "This letter has expired: ask the customer for a new one.", "superseded": "This letter was replaced by a newer one: ask the customer for the current letter.",
                "revoked": "This letter was revoked: the port was cancelled. Do not install.", "unknown": "No letter with this id was issued by us.",
            ],
            statusWords: ["valid": "Valid", "not_genuine": "Not verified", "expired": "Expired", "superseded": "Superseded", "revoked": "Revoked", "unknown": "Unknown"],
            portStates: ["awaiting_cross_connect": "awaiting the cross-connect", "active": "active (cross-connect in place)", "cancelled": "cancelled"]
        ),
        "fr": Texts(
            title: "Lettre d\u{2019}autorisation", issuer: "Émetteur", port: "Port", crossConnect: "Référence du brassage", other: "English",
            headlines: [
                "valid": "Cette lettre est authentique et valide.", "not_genuine": "Cette lettre est enregistrée, mais sa signature conservée ne se vérifie pas\u{00A0}: contactez l\u{2019}émetteur.",
                "expired": "Cette lettre a expiré\u{00A0}: demandez-en une nouvelle au client.", "superseded": "Cette lettre a été remplacée\u{00A0}: demandez au client la lettre en vigueur.",
                "revoked": "Cette lettre a été révoquée\u{00A0}: le port est résilié. N\u{2019}installez rien.", "unknown": "Aucune lettre portant cet identifiant n\u{2019}a été émise par nous.",
            ],
            statusWords: ["valid": "Valide", "not_genuine": "Non vérifiée", "expired": "Expirée", "superseded": "Remplacée", "revoked": "Révoquée", "unknown": "Inconnue"],
            portStates: ["awaiting_cross_connect": "en attente du brassage", "active": "actif (brassage réalisé)", "cancelled": "résilié"]
        ),
    ]

    /// Colour and icon per status, for people who read neither language well.
    static let looks: [String: (color: String, background: String, icon: String)] = [
        "valid": ("#14632a", "#e6f4ea", "\u{2714}"), "not_genuine": ("#a50e0e", "#fce8e6", "!"), "expired": ("#5f6368", "#f1f3f4", "\u{29D7}"),
        "superseded": ("#8a4b00", "#fef3e0", "\u{21BB}"), "revoked": ("#a50e0e", "#fce8e6", "\u{2716}"), "unknown": ("#a50e0e", "#fce8e6", "?"),
    ]

    static func html(id: String, _ verification: Ports.Verification, language: String) -> String {
        let text = texts[language] ?? texts["en"]!
        let state = verification.status == "valid" && !verification.genuine ? "not_genuine" : verification.status
        let look = looks[state] ?? looks["unknown"]!
        var rows = ""
        if let letter = verification.letter {
            let wording = verification.wording
            func label(_ key: String, _ fallback: String) -> String { wording?.labels[key] ?? fallback }
            func date(_ iso: String) -> String { (try? CalendarDate(iso)).flatMap { day in wording.map { $0.format(day) } } ?? iso }
            var fields: [(String, String)] = [
                (label("loa_id", "LOA id"), letter.id), (label("issue_date", "Issued"), date(letter.issueDate)),
                (label("expiry_date", "Valid until"), date(letter.expiryDate)), (text.issuer, letter.issuer),
                (label("authorized_party", "Authorized party"), letter.authorizedParty), (label("facility", "Facility"), letter.facility),
                (label("facility_address", "Address"), letter.facilityAddress.joined(separator: ", ")),
                (label("cage", "Cage / suite"), letter.cage), (label("cabinet", "Cabinet"), letter.cabinet),
                (label("patch_panel", "Patch panel"), letter.patchPanel), (label("port_positions", "Ports"), letter.portPositions),
                (label("media", "Media"), wording?.mediaNames[letter.media] ?? letter.media), (label("connector", "Connector"), letter.connector),
                (label("speed", "Speed"), letter.speed), (label("service_id", "Service id"), letter.serviceID),
            ]
            if let port = verification.portStatus { fields.append((text.port, text.portStates[port] ?? port)) }
            if let crossConnect = verification.crossConnectID { fields.append((text.crossConnect, crossConnect)) }
            rows = fields.map { "<tr><th scope=\"row\">\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined(separator: "\n")
        }
        let other = language == "fr" ? "en" : "fr"
        return """
            <!DOCTYPE html>
            <html lang="\(language)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(text.title)) \(escape(id))</title>
            <style>
            body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;padding:1rem;color:#202124;background:#fff}
            main{max-width:40rem;margin:0 auto}
            h1{font-size:1.25rem;margin:.2rem 0 1rem}
            .id{white-space:nowrap}
            .status{display:flex;gap:.75rem;align-items:center;padding:.9rem 1rem;border-radius:.5rem;border:2px solid \(look.color);background:\(look.background);color:\(look.color)}
            .status .icon{font-size:1.8rem;line-height:1;font-weight:700}
            .status strong{display:block;font-size:1.1rem}
            table{border-collapse:collapse;width:100%;margin-top:1rem}
            th,td{text-align:left;vertical-align:top;padding:.45rem .3rem;border-bottom:1px solid #e0e0e0}
            th{font-weight:600;color:#5f6368;width:40%}
            td{word-break:break-word}
            nav{margin-top:1rem;font-size:.9rem}
            @media (max-width:30rem){th,td{display:block;width:auto;border:0;padding:.1rem 0}td{padding-bottom:.6rem;border-bottom:1px solid #e0e0e0}}
            </style></head>
            <body><main>
            <h1>\(escape(text.title)) <span class="id">\(escape(id))</span></h1>
            <div id="status" class="status" data-status="\(escape(verification.status))" data-state="\(escape(state))" role="status">
            <span class="icon" aria-hidden="true">\(look.icon)</span>
            <div><strong>\(escape(text.statusWords[state] ?? state))</strong>\(escape(text.headlines[state] ?? ""))</div>
            </div>
            <table>\(rows)</table>
            <nav><a href="/verify/\(escape(id))?lang=\(other)" hreflang="\(other)" lang="\(other)">\(escape(text.other))</a></nav>
            </main></body></html>
            """
    }
}
