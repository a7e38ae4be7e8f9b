import Foundation
import TestSupport

/// The files in `samples/`, found from the repository root so tests run from any folder.
enum Samples {
    static let folder: URL = SourceTree.root.appendingPathComponent("samples")

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static func bytes(_ name: String) throws -> [UInt8] {
        try [UInt8](Data(contentsOf: url(name)))
    }

    /// Every sample file, good and bad, relative to `samples/`.
    static var all: [String] {
        let names = (try? FileManager.default.subpathsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: url(name).path, isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue && !name.hasSuffix(".md") && !name.hasSuffix(".json")
        }.sorted()
    }
}
