import Crypto
import Foundation
public import SQLKit

/// Stored files (uploaded originals, page previews, LOAs), addressed by their SHA-256 so that
/// the same bytes are kept once and a record can always be checked against its content.
public protocol BlobStore: Sendable {
    /// Stores the blob durably (idempotently) and returns its address.
    @discardableResult
    func put(_ blob: AddressedBytes) async throws -> String
    /// The bytes stored under `sha256`, checked against it; `nil` when there are none.
    func get(_ sha256: String) async throws -> [UInt8]?
    /// Whether bytes are stored under `sha256`.
    func contains(_ sha256: String) async throws -> Bool
}

extension BlobStore {
    /// Stores `bytes` durably (idempotently) and returns their lower-case hex SHA-256.
    @discardableResult
    public func put(_ bytes: [UInt8]) async throws -> String {
        try await put(AddressedBytes(bytes))
    }
}

/// Bytes with their blob address, hashed once: a caller that needs the address before
/// storing (an upload's idempotency check) hands the same value to `put`
/// instead of paying for a second SHA-256. Only this initializer makes one, so the address
/// always matches the bytes.
public struct AddressedBytes: Sendable {
    /// The content.
    public let bytes: [UInt8]
    /// ``blobAddress(of:)`` of ``bytes``.
    public let address: String

    /// Hashes `bytes`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.address = blobAddress(of: bytes)
    }
}

/// The hex SHA-256 of `bytes`, as blob addresses are written.
///
/// Hex digits are written directly: `String(format: "%02x")` per byte cost more than the hash of
/// a 100 KiB upload (4 % of the server's CPU per upload; it also hashes every bearer token).
public func blobAddress(of bytes: [UInt8]) -> String {
    let digest = SHA256.hash(data: bytes)
    return String(unsafeUninitializedCapacity: 2 * SHA256.byteCount) { buffer in
        var index = 0
        for byte in digest {
            buffer[index] = hexDigits[Int(byte >> 4)]
            buffer[index + 1] = hexDigits[Int(byte & 0x0F)]
            index += 2
        }
        return index
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

/// A valid address: 64 lower-case hex digits (anything else never reaches the file system).
func isBlobAddress(_ text: String) -> Bool {
    text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
}

/// Blobs as files under the data directory (`ab/cd/abcd…`), for single-instance SQLite setups.
///
/// A file is written to a temporary name, flushed to disk, renamed into place and its folder
/// flushed, so a crash leaves either the whole file or nothing under the final name.
public struct FileBlobStore: BlobStore {
    /// The folder the blobs live in.
    public let directory: String

    /// Uses (and creates) `directory`.
    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
    }

    func path(of sha256: String) -> String {
        let u = Array(sha256)
        return "\(directory)/\(String(u[0..<2]))/\(String(u[2..<4]))/\(sha256)"
    }

    public func put(_ blob: AddressedBytes) async throws -> String {
        let bytes = blob.bytes, sha256 = blob.address
        let final = path(of: sha256)
        if FileManager.default.fileExists(atPath: final) { return sha256 }
        let folder = URL(fileURLWithPath: final).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = "\(directory)/tmp/\(sha256).\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw StoreError(code: "blob_write_failed", message: "cannot create \(temporary)")
        }
        do {
            try handle.write(contentsOf: bytes)
            try handle.synchronize()
            try handle.close()
            if rename(temporary, final) != 0 { throw StoreError(code: "blob_write_failed", message: "cannot move \(temporary) into place") }
            try FileHandle(forReadingAtPath: folder)?.synchronize()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        return sha256
    }

    public func get(_ sha256: String) async throws -> [UInt8]? {
        guard isBlobAddress(sha256), let data = FileManager.default.contents(atPath: path(of: sha256)) else { return nil }
        let bytes = [UInt8](data)
        guard blobAddress(of: bytes) == sha256 else { throw StoreError.blobCorrupted(sha256) }
        return bytes
    }

    public func contains(_ sha256: String) async throws -> Bool {
        isBlobAddress(sha256) && FileManager.default.fileExists(atPath: path(of: sha256))
    }
}

/// Blobs as rows of the `blobs` table, so that several instances sharing one PostgreSQL
/// share their files too.
public struct DatabaseBlobStore: BlobStore {
    let database: any SQLDatabase

    /// Blobs in `database`'s `blobs` table (created by the migrations).
    public init(database: any SQLDatabase) {
        self.database = database
    }

    public func put(_ blob: AddressedBytes) async throws -> String {
        let bytes = blob.bytes, sha256 = blob.address
        try await database.insert(into: "blobs")
            .columns("sha256", "size", "content")
            .values(SQLBind(sha256), SQLBind(bytes.count), SQLBind(Data(bytes)))
            .ignoringConflicts(with: "sha256")
            .run()
        return sha256
    }

    public func get(_ sha256: String) async throws -> [UInt8]? {
        guard isBlobAddress(sha256),
              let row = try await database.select().column("content").from("blobs").where("sha256", .equal, SQLBind(sha256)).first() else { return nil }
        let bytes = [UInt8](try row.decode(column: "content", as: Data.self))
        guard blobAddress(of: bytes) == sha256 else { throw StoreError.blobCorrupted(sha256) }
        return bytes
    }

    public func contains(_ sha256: String) async throws -> Bool {
        guard isBlobAddress(sha256) else { return false }
        return try await database.select().column("sha256").from("blobs").where("sha256", .equal, SQLBind(sha256)).first() != nil
    }
}
