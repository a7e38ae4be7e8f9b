public import Foundation

/// The repository's own folders, found from this source file's path, so that tests run from any
/// folder and read what operators edit (`samples/`, `templates/`, the scripts beside the tests).
public enum SourceTree {
    /// The repository root: the folder of `Package.swift` (this file is `Tests/TestSupport/…`).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// The `paperwork` binary that `swift test` built beside the test bundle, or else the debug
/// build's.
public enum PaperworkBinary {
    public static let path: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("paperwork").path
        return FileManager.default.isExecutableFile(atPath: beside) ? beside : SourceTree.root.appendingPathComponent(".build/debug/paperwork").path
    }()
}
