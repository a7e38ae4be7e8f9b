import ArgumentParser
import Foundation
import NIOHTTP1

/// A signed-in customer and the company they administer.
struct Customer: Sendable {
    var email: String
    var token: String
    var companyID: String
    /// What the company declared, which intake looks for in its certificates.
    var legalName: String
    var registrationNumber: String
}

/// Customers made as the README's curl walkthrough makes them: sign up, read the token from
/// the outbox's `.eml` file, complete the sign-up, sign in, register a company.
enum Customers {
    static let password = "correct horse battery staple"

    struct Session: Decodable { var token: String }
    struct Company: Decodable { var id: String; var status: String }

    static func create(count: Int, server: ServerUnderTest) async throws -> [Customer] {
        let run = UUID().uuidString.prefix(8).lowercased()
        let emails = (0..<count).map { "load-\(run)-\($0)@example.com" }
        try await HTTPConnection.with(port: server.port) { connection in
            for email in emails {
                try await connection.send(.POST, "/v1/signup", json: ["email": email]).expect(202)
            }
        }
        let tokens = try await signupTokens(for: emails, outbox: server.dataDirectory + "/outbox")
        return try await withThrowingTaskGroup(of: Customer.self) { group in
            for (index, email) in emails.enumerated() {
                group.addTask {
                    try await HTTPConnection.with(port: server.port) { connection in
                        _ = try await connection.send(.POST, "/v1/signup/complete", json: [
                            "token": tokens[email]!, "password": password, "full_name": "Load Tester \(index)",
                        ]).expect(201)
                        let session = try await connection.send(.POST, "/v1/sessions", json: ["email": email, "password": password])
                            .expect(201).decode(Session.self)
                        let legalName = "Loadtest Networks \(index) Ltd", registrationNumber = String(format: "%08d", 10_000_000 + index)
                        let company = try await connection.send(.POST, "/v1/companies", json: [
                            "legal_name": legalName, "country": "GB", "registration_number": registrationNumber, "company_type": "enterprise",
                        ], bearer: session.token).expect(201).decode(Company.self)
                        return Customer(email: email, token: session.token, companyID: company.id, legalName: legalName, registrationNumber: registrationNumber)
                    }
                }
            }
            var customers: [Customer] = []
            for try await customer in group { customers.append(customer) }
            return customers.sorted { $0.email < $1.email }
        }
    }

    /// Waits (up to 30 s) until every address has its verification e-mail, and reads the tokens.
    static func signupTokens(for emails: [String], outbox: String) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        while tokens.count < emails.count {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? [] where file.hasSuffix(".eml") {
                guard let text = try? String(contentsOfFile: outbox + "/" + file, encoding: .utf8),
                      let recipient = text.split(separator: "\r\n").first(where: { $0.hasPrefix("To: ") })?.dropFirst(4),
                      let token = text.firstMatch(of: /su_[A-Za-z0-9_-]+/) else { continue }
                tokens[String(recipient)] = String(token.output)
            }
            guard ContinuousClock.now < deadline else { throw ValidationError("only \(tokens.count) of \(emails.count) sign-up e-mails arrived in \(outbox)") }
            if tokens.count < emails.count { try await Task.sleep(for: .milliseconds(100)) }
        }
        return tokens
    }
}
