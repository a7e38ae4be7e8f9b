public import ArgumentParser
import Foundation
import Logging
import Store
import Workflow

/// `paperwork catalog`: the datacenter catalog and the patch panels in it, loaded against the
/// same data directory or database as the server (which may be running).
public struct CatalogCommand: AsyncParsableCommand {
    /// How the command appears in `paperwork --help`.
    public static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Import datacenters (PeeringDB facility JSON) and load patch panels.",
        subcommands: [Import.self, Panels.self]
    )

    /// Required by ArgumentParser.
    public init() {}

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        return [UInt8](data)
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upsert facilities from a PeeringDB API file ({\"data\": [{id, org_name, name, address1, …}]}), by PeeringDB id."
        )

        @Argument(help: "The JSON file(s), e.g. samples/catalog/datacenters.json.")
        var files: [String]

        @OptionGroup var storeOptions: TokensCommand.StoreOptions

        func run() async throws {
            let store = try await storeOptions.openStore()
            let catalog = Catalog(store: store)
            for file in files {
                let report: Catalog.ImportReport
                do {
                    report = try await catalog.importPeeringDB(try CatalogCommand.read(file))
                } catch let error as WorkflowError {
                    await store.close()
                    FileHandle.standardError.write(Data("\(file): \(error.code): \(error.message)\n".utf8))
                    throw ExitCode(65)
                }
                print("\(file): \(report.created) created, \(report.updated) updated, \(report.unchanged) unchanged, \(report.skipped.count) skipped")
                for skipped in report.skipped {
                    print("  skipped record \(skipped.index)\(skipped.peeringDBID.map { " (id \($0))" } ?? ""): \(skipped.reason)")
                }
            }
            await store.close()
        }
    }

    struct Panels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load patch panels ({\"panels\": [{datacenter or peeringdb_id, cage, cabinet, name, positions, media, connector}]})."
        )

        @Argument(help: "The JSON file, e.g. samples/catalog/patch-panels.json.")
        var file: String

        @OptionGroup var storeOptions: TokensCommand.StoreOptions

        struct File: Decodable { var panels: [Catalog.PanelSpec] }

        func run() async throws {
            let specs: [Catalog.PanelSpec]
            do {
                specs = try JSONDecoder().decode(File.self, from: Data(try CatalogCommand.read(file))).panels
            } catch let error as DecodingError {
                FileHandle.standardError.write(Data("\(file): not a panels file: \(error)\n".utf8))
                throw ExitCode(65)
            }
            let store = try await storeOptions.openStore()
            do {
                let (created, updated) = try await Catalog(store: store).loadPanels(specs, by: .staff(role: .operator, tokenName: "cli"))
                print("\(file): \(created) panels created, \(updated) updated")
            } catch let error as WorkflowError {
                await store.close()
                FileHandle.standardError.write(Data("\(file): \(error.code): \(error.message)\n".utf8))
                throw ExitCode(65)
            }
            await store.close()
        }
    }
}
