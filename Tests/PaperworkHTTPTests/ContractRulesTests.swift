import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import PaperworkHTTP

/// What the contract (`openapi.yaml`) promises beyond each operation's own answers: how a wrong
/// method, a query parameter out of bounds and a `null` field are refused. The whole document is
/// checked against a real server by `ContractTests` (schemathesis); these pin the rules down.
@Suite("Contract rules")
struct ContractRulesTests {
    @Test("an undeclared method on a served path is 405 with Allow listing the path's methods; an unknown path stays 404; an unknown method is 501")
    func methodNotAllowed() async throws {
        let service = try await TestService.make()
        let router = buildRouter(dependencies: service.dependencies)
        // The Allow value each path should send, from the router's own table.
        let declared = Dictionary(router.routes.map { ("/" + $0.path.description.trimmingCharacters(in: ["/"]), Set([$0.method.rawValue])) }, uniquingKeysWith: { $0.union($1) })
        try await service.run { client in
            let trace = try await client.call(.trace, "/v1/companies")
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.code == "method_not_allowed")
            #expect(trace.contentType == "application/problem+json")
            try await client.execute(uri: "/v1/companies", method: .trace) { response in
                #expect(response.headers[.allow] == "GET, POST")
            }
            try await client.execute(uri: "/health", method: .delete) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            // HEAD is not declared anywhere in the contract, so it is refused like any other.
            try await client.execute(uri: "/health", method: .head) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "GET")
            }
            // Paths with captures match whatever id is sent, before any authentication.
            try await client.execute(uri: "/v1/companies/no-such-id/members/someone", method: .put) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "PATCH, DELETE")
            }
            // Every served path, probed with a method it does not serve.
            for (path, methods) in declared {
                let probe = ["TRACE", "PUT", "PATCH", "DELETE", "POST", "GET"].first { !methods.contains($0) }!
                let uri = path.replacingOccurrences(of: #"\{[^}]+\}|\*\*?"#, with: "x", options: .regularExpression)
                try await client.execute(uri: uri, method: HTTPRequest.Method(probe)!) { response in
                    #expect(response.status == .methodNotAllowed, "\(probe) \(uri)")
                    let allowed = Set((response.headers[.allow] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                    #expect(allowed == methods, "\(probe) \(uri)")
                }
            }
            let nowhere = try await client.call(.trace, "/v1/nowhere")
            #expect(nowhere.status == .notFound)
            #expect(nowhere.code == "not_found")
            let unknown = try await client.call(HTTPRequest.Method("PROPFIND")!, "/health")
            #expect(unknown.status == .notImplemented)
            #expect(unknown.code == "method_not_implemented")
        }
    }

    @Test("a query parameter outside what the contract allows is 400 invalid_parameter naming it, not a silent default")
    func queryParameters() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let token = try await signUp(client, service, email: "query@example.com")
            for query in ["offset=-1", "offset=abc", "limit=0", "limit=501", "limit=", "limit=1.5"] {
                let answer = try await client.call(.get, "/v1/companies?\(query)", token: token)
                #expect(answer.status == .badRequest, "\(query)")
                #expect(answer.code == "invalid_parameter", "\(query)")
                #expect(answer.string("detail")?.hasPrefix("query parameter '\(query.prefix { $0 != "=" })'") == true, "\(query)")
            }
            #expect(try await client.call(.get, "/v1/companies?offset=0&limit=500", token: token).status == .ok)
            for uri in ["/v1/datacenters?offset=-1", "/v1/datacenters?limit=201", "/v1/datacenters?limit=ten"] {
                #expect(try await client.call(.get, uri, token: token).code == "invalid_parameter", "\(uri)")
            }
            let operatorToken = try await staffToken(service, role: .operator, name: "query-operator")
            for uri in ["/v1/revalidations?limit=0", "/v1/revalidations/rv-unknown/report?all=yes"] {
                #expect(try await client.call(.get, uri, token: operatorToken).code == "invalid_parameter", "\(uri)")
            }
        }
    }

    @Test("null is refused where the contract has no nullable field, instead of being read as absent")
    func nullFields() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let token = try await signUp(client, service, email: "null@example.com")
            let company = try await register(client, token: token, name: "Null Networks Ltd")
            let me = try #require(((try await client.call(.get, "/v1/me", token: token))["user"] as? [String: Any])?["id"] as? String)
            let member = try await client.call(.patch, "/v1/companies/\(company)/members/\(me)", token: token, json: ["role": "admin", "permissions": NSNull()])
            #expect(member.status == .badRequest)
            #expect(member.code == "invalid_json")
            #expect(member.string("detail") == "field 'permissions' must not be null; leave it out instead")
            let invitation = try await client.call(.post, "/v1/companies/\(company)/invitations", token: token, json: ["email": "x@example.com", "permissions": NSNull()])
            #expect(invitation.code == "invalid_json")
            #expect(try await service.mails(to: "x@example.com").isEmpty, "nothing was sent")
            let inArray = try await client.call(.post, "/v1/companies/\(company)/invitations", token: token, json: ["email": "x@example.com", "permissions": ["order_ports", NSNull()]])
            #expect(inArray.string("detail") == "field 'permissions[1]' must not be null; leave it out instead")
            #expect(try await service.mails(to: "x@example.com").isEmpty, "nothing was sent")
            // A field the contract does not name is ignored, null or not.
            let unknown = try await client.call(.patch, "/v1/me", token: token, json: ["full_name": "A", "extra": ["deep": [1, NSNull()]]])
            #expect(unknown.status == .ok)
            #expect(unknown.string("full_name") == "A")
            let whole = try await client.call(.post, "/v1/signup", body: ByteBuffer(string: "null"), headers: [.contentType: "application/json"])
            #expect(whole.code == "invalid_json")
            // Left out, the same fields are fine.
            #expect(try await client.call(.patch, "/v1/companies/\(company)/members/\(me)", token: token, json: ["role": "admin"]).status == .ok)
        }
    }

    @Test("texts, countries, passwords and dates are refused or taken exactly where the contract's Text, CountryCode, Password and date-time draw the line")
    func inputRules() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let token = try await signUp(client, service, email: "rules@example.com")
            // Text: 1 to 200 characters as sent, no control character anywhere, not only spaces.
            for refused in ["", "   ", "Name\n", "\tName", "Na\u{85}me", String(repeating: "a", count: 201), " " + String(repeating: "a", count: 200)] {
                let answer = try await client.call(.patch, "/v1/me", token: token, json: ["job_title": refused])
                #expect(answer.code == "invalid_field", "\(refused.debugDescription)")
            }
            for taken in [String(repeating: "é", count: 200), " Head of Network ", "e\u{301}" + String(repeating: "\u{301}", count: 198)] {
                let answer = try await client.call(.patch, "/v1/me", token: token, json: ["job_title": taken])
                #expect(answer.status == .ok, "\(taken.debugDescription)")
            }
            // Email: `@` and `.` count as such even with a combining mark after them, as the pattern reads them.
            #expect(try await client.call(.post, "/v1/signup", json: ["email": "dana@\u{301}example.com"]).status == .accepted)
            #expect(try await client.call(.post, "/v1/signup", json: ["email": "dana@example.\u{301}"]).status == .accepted)
            #expect(try await client.call(.post, "/v1/signup", json: ["email": "dana@example\u{301}."]).code == "invalid_email")
            // CountryCode: an assigned code in upper or lower case, nothing else.
            for refused in ["Gb", " GB", "XX", "gB"] {
                let answer = try await client.call(.post, "/v1/companies", token: token, json: ["legal_name": "A Ltd", "country": refused, "registration_number": "1"])
                #expect(answer.code == "invalid_country", "\(refused)")
            }
            #expect(try await client.call(.get, "/v1/datacenters?country=fr", token: token).status == .ok)
            #expect(try await client.call(.get, "/v1/datacenters?country=Fr", token: token).code == "invalid_country")
            // Password: 12 to 72 characters, however many bytes they take; no two long ones collide.
            let long = String(repeating: "é", count: 71) + "1"
            let collision = String(repeating: "é", count: 71) + "2"
            #expect(long.utf8.count > 72)
            let started = try await client.call(.post, "/v1/signup", json: ["email": "long@example.com"])
            #expect(started.status == .accepted)
            let mail = try #require(try await service.mails(to: "long@example.com").last)
            let signupToken = try #require(secret(withPrefix: "su_", in: mail.body))
            let tooLong = try await client.call(.post, "/v1/signup/complete", json: ["token": signupToken, "password": long + "x", "full_name": "Long"])
            #expect(tooLong.code == "password_too_long")
            let short = try await client.call(.post, "/v1/signup/complete", json: ["token": signupToken, "password": "e\u{301}" + String(repeating: "\u{301}", count: 10), "full_name": "Long"])
            #expect(short.status == .created, "12 code points are 12 characters, as the contract counts them")
            let second = try await client.call(.post, "/v1/signup", json: ["email": "longer@example.com"])
            #expect(second.status == .accepted)
            let secondMail = try #require(try await service.mails(to: "longer@example.com").last)
            let secondToken = try #require(secret(withPrefix: "su_", in: secondMail.body))
            #expect(try await client.call(.post, "/v1/signup/complete", json: ["token": secondToken, "password": long, "full_name": "Longer"]).status == .created)
            #expect(try await client.call(.post, "/v1/sessions", json: ["email": "longer@example.com", "password": long]).status == .created)
            #expect(try await client.call(.post, "/v1/sessions", json: ["email": "longer@example.com", "password": collision]).status == .unauthorized,
                    "the same first 72 bytes are not the same password")
            // date-time: RFC 3339, checked.
            let operatorToken = try await staffToken(service, role: .operator, name: "rules-operator")
            for refused in ["since=2026-02-30T00:00:00Z", "until=2026-01-01", "since=2026-01-01T24:00:00Z", "until=2026-01-01T00:00:00+0100", "entity_type=user", "after=-1", "limit=1001"] {
                #expect(try await client.call(.get, "/v1/audit?\(refused)", token: operatorToken).code == "invalid_parameter", "\(refused)")
            }
            #expect(try await client.call(.get, "/v1/audit?since=2026-01-01t00:00:00.5-01:00&entity_type=revalidation_run", token: operatorToken).status == .ok)
            #expect(try await client.call(.get, "/v1/review/queue?limit=0", token: operatorToken).code == "invalid_parameter")
            let revalidation = try await client.call(.post, "/v1/revalidations", token: operatorToken, json: ["certificates": false, "loas": true, "uploaded_since": "2026-02-30"])
            #expect(revalidation.code == "invalid_date", "filters are checked even when no certificate is selected")
        }
    }

    @Test("a company type the company's distributor mark does not open is a conflict with its state; panels for an unknown datacenter are 404")
    func stateAndUnknowns() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let token = try await signUp(client, service, email: "state@example.com")
            let company = try await register(client, token: token, name: "State Ltd")
            let retyped = try await client.call(.patch, "/v1/companies/\(company)", token: token, json: ["company_type": "cloud"])
            #expect(retyped.status == .conflict)
            #expect(retyped.code == "company_type_not_allowed")
            let unknownType = try await client.call(.patch, "/v1/companies/\(company)", token: token, json: ["company_type": "spaceship"])
            #expect(unknownType.status == .unprocessableContent)
            let operatorToken = try await staffToken(service, role: .operator, name: "state-operator")
            let panels = try await client.call(.post, "/v1/datacenters/pdb-nowhere/panels", token: operatorToken, json: ["panels": [["cage": "C1", "cabinet": "R1", "name": "P1", "positions": 24]]])
            #expect(panels.status == .notFound)
            #expect(panels.string("detail") == "no such datacenter")
        }
    }
}
