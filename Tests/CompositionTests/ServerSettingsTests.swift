import Configuration
import Testing
@testable import Composition

@Suite("Server settings")
struct ServerSettingsTests {
    @Test("with nothing set, the documented defaults apply")
    func defaults() {
        let settings = ServerSettings(config: ConfigReader(provider: InMemoryProvider(values: [:])))
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8080)
        #expect(settings.dataDirectory == "./data")
        #expect(settings.databaseURL == "")
        #expect(settings.workerTimeoutSeconds == 30)
        #expect(settings.maxUploadBytes == 20 * 1024 * 1024)
    }

    @Test("environment variables are the dotted keys in upper case with underscores")
    func environment() {
        let environment = EnvironmentVariablesProvider(environmentVariables: [
            "HTTP_PORT": "9090", "DATA_DIRECTORY": "/srv/paperwork", "DATABASE_URL": "postgres://db/p",
            "WORKERS_COUNT": "3", "WORKERS_TIMEOUT_SECONDS": "5", "UPLOADS_MAX_BYTES": "1000",
        ])
        let settings = ServerSettings(config: ConfigReader(provider: environment))
        #expect(settings.port == 9090)
        #expect(settings.dataDirectory == "/srv/paperwork")
        #expect(settings.databaseURL == "postgres://db/p")
        #expect(settings.workerCount == 3)
        #expect(settings.workerTimeoutSeconds == 5)
        #expect(settings.maxUploadBytes == 1000)
    }

    @Test("flags win over the environment")
    func flagsFirst() {
        let config = ConfigReader(providers: [
            InMemoryProvider(values: ["http.port": 7070]),
            EnvironmentVariablesProvider(environmentVariables: ["HTTP_PORT": "9090"]),
        ])
        #expect(ServerSettings(config: config).port == 7070)
    }
}
