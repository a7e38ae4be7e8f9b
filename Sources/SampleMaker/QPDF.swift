import Foundation

/// Runs the qpdf program; used only to encrypt a sample (AES-256 needs a real implementation).
struct QPDF {
    let executable: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Encrypts `pdf` with user password `userPassword` (owner `ownerPassword`), AES-256.
    /// qpdf draws a random AES-256 file key, so the bytes differ between runs; `reuse` lets the
    /// caller keep an earlier file whose decrypted content is identical.
    func encrypt(_ pdf: [UInt8], userPassword: String, ownerPassword: String, reuse previous: [UInt8]?) throws -> [UInt8] {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw Failure(description: "qpdf not found at \(executable): install it (apt-get install qpdf) or pass --qpdf PATH")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-samples-\(ProcessInfo.processInfo.globallyUniqueString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = folder.appendingPathComponent("plain.pdf")
        let encrypted = folder.appendingPathComponent("encrypted.pdf")
        try Data(pdf).write(to: plain)
        try run(["--static-id", "--static-aes-iv", "--encrypt", userPassword, ownerPassword, "256", "--", plain.path, encrypted.path])
        let fresh = try [UInt8](Data(contentsOf: encrypted))
        if let previous {
            let old = folder.appendingPathComponent("previous.pdf")
            try Data(previous).write(to: old)
            if let oldPlain = try? decrypt(old, password: userPassword, in: folder, name: "previous-plain.pdf"),
               let newPlain = try? decrypt(encrypted, password: userPassword, in: folder, name: "fresh-plain.pdf"),
               oldPlain == newPlain {
                return previous
            }
        }
        return fresh
    }

    private func decrypt(_ file: URL, password: String, in folder: URL, name: String) throws -> [UInt8] {
        let output = folder.appendingPathComponent(name)
        try run(["--static-id", "--password=\(password)", "--decrypt", file.path, output.path])
        return try [UInt8](Data(contentsOf: output))
    }

    private func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // Exit code 3 means "succeeded with warnings".
        guard process.terminationStatus == 0 || process.terminationStatus == 3 else {
            throw Failure(description: "qpdf \(arguments.joined(separator: " ")) failed (\(process.terminationStatus)): \(String(decoding: message, as: UTF8.self))")
        }
    }
}
