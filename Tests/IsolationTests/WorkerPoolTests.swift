import Foundation
import Testing
import TestSupport
import Intake
@testable import Isolation
#if canImport(Glibc)
import Glibc
#endif

private let samples = SourceTree.root.appendingPathComponent("samples")

private func sample(_ name: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: samples.appendingPathComponent(name)))
}

private func makePool(size: Int = 2, timeout: Duration = .seconds(20), documentsPerWorker: Int = 500, addressSpace: Int? = nil) async throws -> WorkerPool {
    var configuration = WorkerPool.Configuration(executable: PaperworkBinary.path)
    configuration.size = size
    configuration.timeout = timeout
    configuration.documentsPerWorker = documentsPerWorker
    configuration.allowsFaultInjection = true
    if let addressSpace { configuration.sandbox.addressSpaceBytes = addressSpace }
    let pool = WorkerPool(configuration: configuration)
    try await pool.start()
    return pool
}

/// Waits (bounded) until the pool has replaced its dead workers.
private func fullStrength(_ pool: WorkerPool, size: Int) async throws -> Bool {
    for _ in 0..<100 {
        if pool.alive == size, pool.workerPIDs.count == size { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return false
}

private let goodFiles = ["uk-certificate-of-incorporation.pdf", "fr-extrait-kbis.pdf", "scan-certificate.png", "scan-certificate.jpg"]

@Suite("Worker pool", .serialized)
struct WorkerPoolTests {
    @Test("a document inspected in a worker gets the same verdict as in process, previews included")
    func sameAsInProcess() async throws {
        let pool = try await makePool()
        for file in goodFiles + ["bad/javascript.pdf", "bad/pixel-bomb.png"] {
            let bytes = try sample(file)
            let claims = CompanyClaims(legalName: "Northwind Connect Ltd", registrationNumber: "12345678")
            let isolated = await pool.inspect(bytes, declared: DeclaredType(fileName: file), claims: claims, previews: .allPages)
            let local = CertificateInspector.inspect(bytes, declared: DeclaredType(fileName: file), claims: claims, previews: .allPages)
            #expect(isolated == local, "\(file)")
        }
        await pool.shutdown()
    }

    @Test("a page rendered at full resolution in a worker is the page rendered in process")
    func fullResolutionInWorker() async throws {
        let pool = try await makePool()
        var limits = IntakeLimits()
        limits.previewDotsPerInch = 300
        limits.maxPreviewPixelsPerSide = 4200
        for (file, page) in [("fr-extrait-kbis.pdf", 2), ("scan-certificate.png", 1)] {
            let bytes = try sample(file)
            let isolated = await pool.render(bytes, page: page, declared: DeclaredType(fileName: file), limits: limits)
            let local = CertificateInspector.inspect(bytes, declared: DeclaredType(fileName: file), renderingPage: page, limits: limits)
            #expect(isolated.previews.count == 1 && isolated.previews == local.previews, "\(file)")
        }
        await pool.shutdown()
    }

    @Test("a stored file judged in a worker gets the in-process judgement, with no page texts on the wire")
    func judgementInWorker() async throws {
        let pool = try await makePool()
        for file in goodFiles + ["bad/javascript.pdf", "bad/pixel-bomb.png"] {
            let bytes = try sample(file)
            let sha256 = CertificateInspector.inspect(bytes).sha256
            let isolated = await pool.judge(bytes, sha256: sha256, declared: DeclaredType(fileName: file), limits: IntakeLimits(maxPages: 1))
            let local = CertificateInspector.judge(bytes, sha256: sha256, declared: DeclaredType(fileName: file), limits: IntakeLimits(maxPages: 1))
            #expect(isolated == local, "\(file)")
            #expect(isolated.pageTexts.isEmpty)
        }
        await pool.shutdown()
    }

    @Test("workers report the limits they enforce")
    func sandboxIsReported() async throws {
        let pool = try await makePool(size: 1)
        let hello = try #require(pool.sandboxReport)
        #expect(hello.enforced.contains { $0.hasPrefix("address_space_bytes=") })
        #expect(hello.enforced.contains("core_dump_bytes=0"))
        #expect(hello.enforced.contains("inherited_descriptors_closed"))
        #expect(hello.enforced.contains("die_with_parent"))
        await pool.shutdown()
    }

    @Test("a worker dying of SIGSEGV or SIGKILL mid-document fails that document only", arguments: [WorkerFault.segmentationFault, .killSelf])
    func crashMidDocument(_ fault: WorkerFault) async throws {
        let pool = try await makePool()
        let good = try sample("uk-certificate-of-incorporation.pdf")
        async let others = withTaskGroup(of: Verdict.self) { group in
            for _ in 0..<6 { group.addTask { await pool.inspect(good, declared: DeclaredType(fileName: "a.pdf")).verdict } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let crashed = await pool.inspect(good, fault: fault)
        #expect(crashed.verdict == .rejected)
        #expect(crashed.reasons == [.processingFailed])
        #expect(crashed.sha256.count == 64 && crashed.size == good.count)
        #expect(await others.allSatisfy { $0 == .accepted })
        #expect(try await fullStrength(pool, size: 2))
        #expect(await pool.inspect(good).verdict == .accepted)
        await pool.shutdown()
    }

    @Test("a document that spins past the timeout is rejected with processing_timeout")
    func spinPastTimeout() async throws {
        let pool = try await makePool(timeout: .seconds(1))
        let good = try sample("fr-extrait-kbis.pdf")
        let clock = ContinuousClock()
        let start = clock.now
        async let spun = pool.inspect(good, fault: .spin)
        async let normal = pool.inspect(good)
        #expect(await spun.reasons == [.processingTimeout])
        #expect(await normal.verdict == .accepted)
        #expect(clock.now - start < .seconds(10))
        #expect(try await fullStrength(pool, size: 2))
        await pool.shutdown()
    }

    @Test("a document that allocates past the memory limit kills only its worker")
    func memoryLimit() async throws {
        let pool = try await makePool(size: 1, addressSpace: 1024 * 1024 * 1024)
        let good = try sample("uk-certificate-of-incorporation.pdf")
        let hog = await pool.inspect(good, fault: .exhaustMemory)
        #expect(hog.reasons == [.processingFailed])
        #expect(await pool.inspect(good).verdict == .accepted)
        await pool.shutdown()
    }

    @Test("a worker that dies between documents costs a restart and nothing else")
    func diesBetweenDocuments() async throws {
        let pool = try await makePool(size: 1)
        let good = try sample("uk-certificate-of-incorporation.pdf")
        #expect(await pool.inspect(good, fault: .exitAfterReply).verdict == .accepted)
        #expect(await pool.inspect(good).verdict == .accepted)
        #expect(try await fullStrength(pool, size: 1))
        await pool.shutdown()
    }

    @Test("workers are recycled after their quota of documents")
    func recycling() async throws {
        let pool = try await makePool(size: 1, documentsPerWorker: 2)
        let good = try sample("uk-certificate-of-incorporation.pdf")
        let first = pool.workerPIDs
        for _ in 0..<5 { #expect(await pool.inspect(good).verdict == .accepted) }
        #expect(pool.workerPIDs != first)
        #expect(pool.replacements == 0, "recycling is not a failure")
        await pool.shutdown()
    }

    @Test("killing workers at random moments leaves every other verdict correct and the pool whole")
    func killAtAnyMoment() async throws {
        let pool = try await makePool()
        let files = goodFiles + ["bad/javascript.pdf", "bad/polyglot-zip.pdf", "bad/truncated.pdf", "bad/pixel-bomb.png"]
        let inputs = try files.map { ($0, try sample($0)) }
        let expected = inputs.map { CertificateInspector.inspect($0.1, declared: DeclaredType(fileName: $0.0)) }
        let killer = Task {
            var generator = SystemRandomNumberGenerator()
            for _ in 0..<6 {
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...60, using: &generator)))
                if let victim = pool.workerPIDs.randomElement(using: &generator) { kill(victim, SIGKILL) }
            }
        }
        let results = await withTaskGroup(of: (Int, Inspection).self) { group in
            for round in 0..<4 {
                for (index, input) in inputs.enumerated() {
                    group.addTask { (index, await pool.inspect(input.1, declared: DeclaredType(fileName: "\(round)-\(input.0)"))) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        _ = await killer.result
        for (index, inspection) in results {
            if inspection.reasons == [.processingFailed] { continue } // the document its worker died on
            #expect(inspection.verdict == expected[index].verdict, "\(files[index])")
            #expect(inspection.reasons == expected[index].reasons, "\(files[index])")
        }
        #expect(try await fullStrength(pool, size: 2))
        // After the storm, every verdict is right again.
        for (index, input) in inputs.enumerated() {
            let again = await pool.inspect(input.1, declared: DeclaredType(fileName: input.0))
            #expect(again.verdict == expected[index].verdict)
        }
        await pool.shutdown()
    }

    @Test("hostile samples mixed with good ones: every good verdict comes back")
    func hostileBatch() async throws {
        let pool = try await makePool()
        let names = try FileManager.default.contentsOfDirectory(atPath: samples.appendingPathComponent("bad").path).map { "bad/" + $0 } + goodFiles
        let results = await withTaskGroup(of: (String, Inspection).self) { group in
            for name in names.shuffled() {
                guard let bytes = try? sample(name) else { continue }
                group.addTask { (name, await pool.inspect(bytes, declared: DeclaredType(fileName: name))) }
            }
            return await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == names.count)
        for name in goodFiles { #expect(results[name]?.verdict != .rejected, "\(name)") }
        for name in names where name.hasPrefix("bad/") { #expect(results[name]?.verdict == .rejected, "\(name)") }
        await pool.shutdown()
    }
}
