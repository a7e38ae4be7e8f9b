public import ArgumentParser

/// `paperwork`: the root command; every job of the service is a subcommand of one binary.
public struct PaperworkCommand: AsyncParsableCommand {
    /// The subcommands, as `paperwork --help` lists them.
    public static let configuration = CommandConfiguration(
        commandName: "paperwork",
        abstract: "Certificates of registration and Letters of Authorization for an interconnection platform.",
        subcommands: [ServeCommand.self, InspectCommand.self, CatalogCommand.self, LOACommand.self, RevalidateCommand.self, TokensCommand.self, WorkerCommand.self]
    )

    /// Required by ArgumentParser.
    public init() {}
}
