// swift-tools-version: 6.1
//
// Paperwork: the document service of an interconnection platform.
// Layers, lowest first (arrows point down only; a layer may skip those between: Store uses
// neither Isolation nor any wrapper, Workflow uses Isolation, Intake and LOA directly):
//   C module maps → wrappers (Intake, Drawing, LOA, CSandbox) → Isolation → Store → Workflow
//   → PaperworkHTTP → Composition → PaperworkCLI → `paperwork` (the executable)
// Intake (with Tesseract for OCR), Drawing and LOA are the only targets that import the system libraries' module maps;
// CSandbox, a little C of our own for process hardening and spawning, is called by Isolation alone.
// LOA does not draw through Drawing: it uses cairo, pango and libqrencode itself. Drawing is the
// canvas of the samples (SampleMaker); the LOA tests use it only to make a signature image.
// The tools (SampleMaker, Bench) and the tests stand beside the layers and use what they test.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "paperwork",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "paperwork", targets: ["paperwork"]),
        .executable(name: "paperwork-samples", targets: ["SampleMaker"]),
        .executable(name: "paperwork-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // LOA: CMS signatures (the `CMS` SPI is unstable: pinned exactly) and DER/PEM.
        .package(url: "https://github.com/apple/swift-certificates", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // LOA timestamps: RFC 3161 requests to a time-stamping authority over HTTP(S).
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        // LOA: each letter's printed fields as a JWS, for datacenters' systems.
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
    ],
    targets: [
        // MARK: C libraries (Debian 12 packages, found through pkg-config)
        .systemLibrary(name: "CMagic", pkgConfig: "libmagic", providers: [.apt(["libmagic-dev"])]),
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // Headers only: libtesseract is opened with dlopen by the OCR workers (see TesseractLibrary).
        .systemLibrary(name: "CTesseract", providers: [.apt(["libtesseract-dev"])]),

        .target(name: "CSandbox"),

        // MARK: Wrappers: the only code that touches C pointers
        .target(
            name: "Intake",
            dependencies: [
                "CMagic", "CPoppler", "CCairo", "CTurboJPEG", "CTesseract",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Drawing",
            dependencies: ["CCairo", "CPangoCairo", "CTurboJPEG"],
            swiftSettings: swiftSettings
        ),

        // MARK: LOA: Letters of Authorization (layout, rendering, PDF signing and checking); a wrapper
        // of its own over cairo, pango and libqrencode, not over Drawing
        .target(
            name: "LOA",
            dependencies: [
                "CCairo", "CPangoCairo", "CQREncode",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Isolation: untrusted documents are parsed in worker processes
        .target(name: "Isolation", dependencies: ["Intake", "CSandbox"], swiftSettings: swiftSettings),

        // MARK: Store: schema, migrations, blob store, over SQLite and PostgreSQL
        .target(
            name: "Store",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Workflow: accounts, companies and members, certificate intake and the review queue, the audit
        // log, the catalog, ports and LOAs, revalidation runs, mail and outbox delivery
        .target(
            name: "Workflow",
            dependencies: [
                "Store", "Isolation", "Intake", "LOA",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: HTTP: Hummingbird routes, health, metrics
        .target(
            name: "PaperworkHTTP",
            dependencies: [
                "Store", "Isolation", "Intake", "Workflow", "LOA",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),

        // MARK: The composition root: settings, and the one place that builds the services
        .target(
            name: "Composition",
            dependencies: [
                "Intake", "Isolation", "LOA", "Store", "Workflow", "PaperworkHTTP",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CompositionTests",
            dependencies: ["Composition", .product(name: "Configuration", package: "swift-configuration")],
            swiftSettings: swiftSettings
        ),

        // MARK: The command line
        .target(
            name: "PaperworkCLI",
            dependencies: [
                "Intake", "Isolation", "Store", "Workflow", "PaperworkHTTP", "LOA", "Composition",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "paperwork", dependencies: ["PaperworkCLI"], swiftSettings: swiftSettings),

        // MARK: Developer tools: the sample maker and the benchmark
        .executableTarget(
            name: "SampleMaker",
            dependencies: ["Drawing", "LOA", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Bench",
            dependencies: [
                "Intake", "Isolation", "LOA", "Store", "Workflow", "Composition",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                // `paperwork-bench uploads`: a small keep-alive HTTP/1.1 client.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests, one target per layer, and two support targets written once for all of them:
        // TestSupport (the repository's folders, the built `paperwork` binary, a seeded generator)
        // and StoreTestSupport (fresh stores on each backend, seeded certificates)
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "IntakeTests", dependencies: ["Intake", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "IsolationTests", dependencies: ["Isolation", "Intake", "TestSupport"], swiftSettings: swiftSettings),
        .target(
            name: "StoreTestSupport",
            dependencies: ["Store", .product(name: "Logging", package: "swift-log")],
            path: "Tests/StoreTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "StoreTests", dependencies: ["Store", "StoreTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PaperworkHTTPTests",
            dependencies: [
                "PaperworkHTTP", "Composition", "Store", "StoreTestSupport", "TestSupport", "Workflow", "Isolation", "LOA", "Intake",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Configuration", package: "swift-configuration"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkflowTests",
            dependencies: ["Workflow", "Store", "StoreTestSupport", "Isolation"],
            exclude: ["smtp_test_server.py"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DrawingTests", dependencies: ["Drawing", "Intake"], swiftSettings: swiftSettings),
        .testTarget(
            name: "LOATests",
            dependencies: ["LOA", "Isolation", "Drawing", "TestSupport"],
            exclude: ["validate_with_pyhanko.py", "tsa_test_server.py"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PaperworkCLITests",
            dependencies: [
                "PaperworkCLI", "Intake", "Isolation", "Store", "StoreTestSupport", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["console_browser.py", "portal_browser.py"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
