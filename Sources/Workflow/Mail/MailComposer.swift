import Mustache

/// Turns an e-mail kind and its data into a subject and a plain-text body, from the Mustache
/// templates in `templates/mail/` that operators may edit without recompiling.
///
/// A template's first line is `Subject: …`, then a blank line, then the body. Values are
/// inserted with triple braces (`{{{name}}}`): the mail is plain text, not HTML.
public struct MailComposer: Sendable {
    let library: MustacheLibrary
    /// Base URL of the service as customers reach it, for links (`https://paperwork.example.com`).
    public let publicURL: String
    /// Where customers write for help; printed in every message that asks them to act.
    public let supportAddress: String

    /// Loads every `*.mustache` file in `directory`.
    public init(directory: String, publicURL: String, supportAddress: String) async throws {
        library = try await MustacheLibrary(directory: directory)
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.supportAddress = supportAddress
        for kind in Self.requiredTemplates where library.getTemplate(named: kind) == nil {
            throw WorkflowError(.invalid, code: "mail_template_missing", "no mail template \(kind).mustache in \(directory)")
        }
    }

    /// The templates the workflows use.
    public static let requiredTemplates = ["signup_verification", "account_exists", "invitation", "company_verified", "company_rejected", "company_needs_info", "password_reset", "loa_issued", "loa_expiring"]

    /// The languages messages are written in: English (`kind.mustache`) and French
    /// (`kind.fr.mustache`).
    public static let languages = ["en", "fr"]

    /// Renders one message in `language` when a template for it exists (`kind.fr.mustache`),
    /// else in English (`kind.mustache`), so a missing translation never loses a message.
    public func compose(_ kind: String, _ values: [String: String], language: String? = nil) throws -> (subject: String, body: String) {
        var context: [String: Any] = ["public_url": publicURL, "support_address": supportAddress]
        for (key, value) in values { context[key] = value }
        var name = kind
        if let language, language != "en", library.getTemplate(named: "\(kind).\(language)") != nil { name = "\(kind).\(language)" }
        guard let text = library.render(context, withTemplate: name) else {
            throw WorkflowError(.invalid, code: "mail_template_missing", "no mail template \(kind)")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("Subject:") else {
            throw WorkflowError(.invalid, code: "mail_template_invalid", "mail template \(kind) must start with a 'Subject:' line")
        }
        let subject = first.dropFirst("Subject:".count).trimmingCharacters(in: " \t\r")
        lines.removeFirst()
        while let line = lines.first, line.trimmingCharacters(in: " \t\r").isEmpty { lines.removeFirst() }
        return (subject, lines.joined(separator: "\n"))
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
