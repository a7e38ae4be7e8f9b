import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing
@testable import PaperworkHTTP
import Isolation
import Store

@Suite("Bearer tokens over HTTP")
struct TokensRouteTests {
    func makeApp() async throws -> (some ApplicationProtocol, Store) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-http-\(UUID().uuidString)").path
        let store = try await Store.open(try DatabaseLocation(url: nil, dataDirectory: directory), dataDirectory: directory, logger: Logger(label: "test"))
        try await store.migrate()
        let router = buildRouter(dependencies: try await TestService.dependencies(store: store))
        return (Application(router: router), store)
    }

    @Test("without a valid token the answer is 401 problem details with a stable code")
    func unauthenticated() async throws {
        let (app, store) = try await makeApp()
        try await app.test(.router) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer pw_nope"], [.authorization: "Basic YTpi"]] {
                try await client.execute(uri: "/v1/tokens", method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                    let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect(problem?["code"] as? String == "unauthenticated")
                    #expect(problem?["status"] as? Int == 401)
                }
            }
        }
        await store.close()
    }

    @Test("a staff member lists and revokes their own tokens; another's token answers 404")
    func listAndRevoke() async throws {
        let (app, store) = try await makeApp()
        let (alicesToken, alice) = try await store.transaction { try await TokenRepository.create(name: "alice", for: .staff(role: .reviewer, tokenName: "alice"), on: $0) }
        let (carolsToken, _) = try await store.transaction { try await TokenRepository.create(name: "carol", for: .staff(role: .reviewer, tokenName: "carol"), on: $0) }
        try await app.test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(alice)"]
            try await client.execute(uri: "/v1/tokens", method: .get, headers: auth) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let ids = (body?["tokens"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                #expect(ids == [alicesToken.id])
            }
            try await client.execute(uri: "/v1/tokens/\(carolsToken.id)", method: .delete, headers: auth) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/tokens/\(UUID().uuidString.lowercased())", method: .delete, headers: auth) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/v1/tokens/\(alicesToken.id)", method: .delete, headers: auth) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/v1/tokens", method: .get, headers: auth) { response in
                #expect(response.status == .unauthorized, "a revoked token no longer works")
            }
        }
        await store.close()
    }
}

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    @Test("GET /openapi.yaml serves an OpenAPI 3.1 document that documents every route and that a validator accepts")
    func servedAndValid() async throws {
        let service = try await TestService.make()
        let store = service.store
        let directory = FileManager.default.temporaryDirectory.path
        let router = buildRouter(dependencies: service.dependencies)
        let served = try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml")
                return String(buffer: response.body)
            }
        }
        await store.close()
        #expect(served.hasPrefix("openapi: 3.1.0"))
        // Every route the router serves is documented with its method, and nothing else is.
        let file = directory + "/served-openapi.yaml"
        try Data(served.utf8).write(to: URL(fileURLWithPath: file))
        let listing = try ChildProcess.run("/usr/bin/env", ["python3", "-c",
            "import sys, yaml; d = yaml.safe_load(open(sys.argv[1]))\nfor p, ops in d['paths'].items():\n  for m in ops:\n    if m != 'parameters': print(m.upper(), p)", file],
            capturingErrors: true)
        let documented = Set(String(decoding: listing.output, as: UTF8.self).split(separator: "\n").map(String.init))
        // The reviewer console's and the portal's HTML pages are for browsers, not part of the API contract.
        let routes = Set(router.routes.map { "\($0.method) \($0.path.description.hasPrefix("/") ? "" : "/")\($0.path)" })
            .filter { !$0.contains(" /console") && !PortalController.paths.contains(String($0.split(separator: " ")[1])) }
        #expect(routes.count > 20)
        #expect(routes.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(routes).sorted() == [], "documented routes that do not exist")
        // An independent validator (openapi-spec-validator, from PyPI) reads what was served.
        let check = try ChildProcess.run("/usr/bin/env", ["python3", "-c",
            "import sys, yaml; from openapi_spec_validator import validate; validate(yaml.safe_load(open(sys.argv[1]))); print('valid')", file],
            capturingErrors: true)
        #expect(check.exitStatus == 0, "\(String(decoding: check.errors, as: UTF8.self))")
        #expect(String(decoding: check.output, as: UTF8.self).contains("valid"))
    }
}
