import Foundation
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
    struct PortList: ResponseEncodable { var ports: [PortResponse] }
    struct LOAResponse: ResponseEncodable {
        var id: String, port_id: String, company_id: String, issued_at: String, expires_at: String, status: String
        var language: String, paper_size: String, superseded_by: String?, revoked_at: String?, pdf_url: String, verify_url: String
        var signature_level: String?

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
        router.post("v1/ports/{id}/activate") { _, context -> PortResponse in
            PortResponse(try await ports.activate(try context.parameters.require("id"), by: try context.requirePrincipal()))
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
                key["x5t#S256"] = Self.base64URL(hex: certificate.fingerprint)
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
                return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                                                          .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'"],
                                body: .init(byteBuffer: ByteBuffer(string: VerifyPage.html(id: id, verification))))
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
enum VerifyPage {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    static func html(id: String, _ verification: Ports.Verification) -> String {
        let headline = switch verification.status {
        case "valid" where verification.genuine: "This Letter of Authorization is genuine and valid."
        case "valid": "This Letter of Authorization is on record, but its stored signature does not verify: contact the issuer."
        case "expired": "This Letter of Authorization has expired."
        case "superseded": "This Letter of Authorization was replaced by a newer one: ask the customer for the current letter."
        case "revoked": "This Letter of Authorization was revoked: the port was cancelled."
        default: "No Letter of Authorization with this id was issued by us."
        }
        var rows = ""
        if let letter = verification.letter {
            let fields: [(String, String)] = [
                ("LOA id", letter.id), ("Issued", letter.issueDate), ("Valid until", letter.expiryDate), ("Issuer", letter.issuer),
                ("Authorized party", letter.authorizedParty), ("Facility", letter.facility), ("Address", letter.facilityAddress.joined(separator: ", ")),
                ("Cage / suite", letter.cage), ("Cabinet", letter.cabinet), ("Patch panel", letter.patchPanel), ("Ports", letter.portPositions),
                ("Media", letter.media), ("Connector", letter.connector), ("Speed", letter.speed), ("Service id", letter.serviceID),
            ]
            rows = fields.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined(separator: "\n")
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>LOA \(escape(id))</title>
            <style>body{font:15px system-ui,sans-serif;margin:2em;max-width:50em}th{text-align:left;padding-right:1em}</style></head>
            <body><h1>Letter of Authorization \(escape(id))</h1>
            <p id="status" data-status="\(escape(verification.status))"><strong>\(escape(headline))</strong></p>
            <table>\(rows)</table></body></html>
            """
    }
}

extension PortsController {
    /// A hexadecimal digest as base64url without padding (the JWK `x5t#S256` form).
    static func base64URL(hex: String) -> String {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), let byte = UInt8(hex[index..<next], radix: 16) {
            bytes.append(byte)
            index = next
        }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
