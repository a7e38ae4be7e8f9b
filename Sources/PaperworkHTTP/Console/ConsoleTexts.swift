import Foundation
import Workflow

/// What the console says instead of codes: `labels.json` (statuses, verdicts, flags, outcomes,
/// reasons, company types, queue states) and the message templates per reason code in each
/// language the customers read (`messages.en.json`, `messages.fr.json`). Files, not Swift, so
/// support staff can edit the wording.
struct ConsoleTexts: Sendable {
    /// Labels by `kind.code` (`status.queued`, `flag.image_only`…).
    let labels: [String: String]
    /// Message templates by language, then reason code.
    let messages: [String: [String: String]]

    /// Loads the labels and every language's messages from `directory` (`templates/console`).
    init(directory: String) throws {
        func table(_ name: String) throws -> [String: String] {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let table = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw WorkflowError(.invalid, code: "console_template_missing", "the console's \(directory)/\(name) is missing or not a JSON object of strings")
            }
            return table
        }
        labels = try table("labels.json")
        var messages: [String: [String: String]] = [:]
        for language in MailComposer.languages { messages[language] = try table("messages.\(language).json") }
        self.messages = messages
    }

    /// The label of a code, or the code itself when none is written (visible, never blank).
    func label(_ kind: String, _ code: String) -> String {
        labels["\(kind).\(code)"] ?? code
    }

    /// The message template for a reason code in `language` (English when missing).
    func message(for reasonCode: String, language: String) -> String {
        messages[language]?[reasonCode] ?? messages["en"]?[reasonCode] ?? ""
    }
}
