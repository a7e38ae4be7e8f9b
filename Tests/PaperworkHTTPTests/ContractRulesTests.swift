import Foundation
import Hummingbird
import HummingbirdTesting
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
}
