import PaperworkCLI

/// The one executable. An `@main` async entry point, not top-level code: in a `main.swift`,
/// `try await command.run()` can pick a callback overload and return before the work is done.
@main
struct PaperworkMain {
    static func main() async {
        await PaperworkCommand.main()
    }
}
