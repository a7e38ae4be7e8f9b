public import Foundation
import Intake
public import Isolation
public import Store

/// Sign-up, sign-in and profiles: the customer's account, before and beside any company.
///
/// Every change and the e-mail it causes are written in one transaction (the outbox), so a
/// verification link exists exactly when its sign-up does.
public struct Accounts: Sendable {
    /// How long links and invitations stay valid, and how passwords are hashed.
    public struct Policy: Sendable {
        /// How long a sign-up link works.
        public var signupLifetime: TimeInterval = 24 * 3600
        /// How long an invitation works.
        public var invitationLifetime: TimeInterval = 7 * 24 * 3600
        /// How long a password-reset link works: short, since whoever reads the mailbox
        /// takes the account.
        public var passwordResetLifetime: TimeInterval = 3600
        /// The largest profile photo accepted.
        public var maxPhotoBytes = 5 * 1024 * 1024
        /// The password hasher.
        public var hasher = PasswordHasher()
        /// "Now", replaceable so tests can step past expiries.
        public var clock: @Sendable () -> Date = { Date() }

        /// The defaults: 24 hours for sign-ups, 7 days for invitations, 1 hour for password
        /// resets, bcrypt cost 12.
        public init() {}
    }

    let store: Store
    let inspector: any DocumentInspector
    let mail: MailComposer
    /// The policy these accounts follow (link lifetimes, photo size, hashing).
    public let policy: Policy

    /// Accounts over a store, with the worker pool that sniffs profile photos.
    public init(store: Store, inspector: any DocumentInspector, mail: MailComposer, policy: Policy) {
        self.store = store
        self.inspector = inspector
        self.mail = mail
        self.policy = policy
    }

    /// A signed-in session: the account and a new bearer token (the secret is shown once).
    public struct Session: Sendable {
        /// The account.
        public var user: UserAccount
        /// The token's record.
        public var token: APIToken
        /// The bearer secret.
        public var secret: String
    }

    /// A profile photo as uploaded.
    public struct Photo: Sendable {
        /// The bytes.
        public var bytes: [UInt8]
        /// The Content-Type the client sent, if any.
        public var declaredType: String?
        /// The file name the client sent, if any.
        public var fileName: String?

        /// A photo as uploaded.
        public init(bytes: [UInt8], declaredType: String?, fileName: String?) {
            self.bytes = bytes
            self.declaredType = declaredType
            self.fileName = fileName
        }
    }

    /// `POST /v1/signup`: e-mails a verification link. The answer is the same whether or not
    /// the address has an account (the e-mail differs), so the API reveals no addresses. The
    /// e-mail is written in `language` (the page's, from the portal), else in English.
    public func startSignup(email rawEmail: String, language: String? = nil) async throws {
        let email = try InputRules.email(rawEmail)
        let now = policy.clock()
        let expires = now.addingTimeInterval(policy.signupLifetime)
        let mail = self.mail
        try await store.transaction { database in
            if try await AccountRepository.user(email: email, on: database) != nil {
                let message = try mail.compose("account_exists", ["email": email], language: language)
                _ = try await OutboxRepository.enqueue(kind: "account_exists", to: email, subject: message.subject, body: message.body, on: database, now: now)
                return
            }
            let secret = try await AccountRepository.startSignup(email: email, expiresAt: expires, on: database, now: now)
            let message = try mail.compose("signup_verification", ["email": email, "token": secret, "expires_at": Timestamp.format(expires)], language: language)
            _ = try await OutboxRepository.enqueue(kind: "signup_verification", to: email, subject: message.subject, body: message.body, on: database, now: now)
        }
    }

    /// Completes a sign-up from its link: sets the password and profile (and the photo, if
    /// sent), and signs the new user in. `language`, when given (the portal's page language),
    /// becomes the account's preferred language, so later e-mails arrive in it.
    public func completeSignup(
        token: String, password: String, fullName rawName: String, jobTitle rawTitle: String?, photo: Photo?, language: String? = nil
    ) async throws -> Session {
        try InputRules.password(password)
        let fullName = try InputRules.text(rawName, field: "full_name")
        let jobTitle = try rawTitle.map { title throws(WorkflowError) in try InputRules.text(title, field: "job_title") }
        guard let signup = try await store.withSession({ try await AccountRepository.signup(secret: token, on: $0) }) else {
            throw WorkflowError(.notFound, code: "signup_not_found", "this sign-up link is unknown; ask for a new one with POST /v1/signup")
        }
        try checkUsable(signup)
        var photoToSet: (sha256: String, mimeType: String)?
        if let photo { photoToSet = try await storePhoto(photo) }
        let storedPhoto = photoToSet
        let language = language.flatMap { MailComposer.languages.contains($0) ? $0 : nil }
        let hash = try await policy.hasher.hash(password)
        let now = policy.clock()
        return try await store.transaction { database in
            // Re-checked inside the transaction: two requests with one link create one account.
            guard try await AccountRepository.finishSignup(signup.id, on: database, now: now) else {
                throw WorkflowError(.gone, code: "signup_used", "this sign-up link was already used; sign in with POST /v1/sessions")
            }
            if try await AccountRepository.user(email: signup.email, on: database) != nil {
                throw WorkflowError(.conflict, code: "account_exists", "an account with this address exists; sign in with POST /v1/sessions")
            }
            var user = try await AccountRepository.createUser(email: signup.email, passwordHash: hash, fullName: fullName, jobTitle: jobTitle, on: database, now: now)
            if let storedPhoto {
                try await AccountRepository.setPhoto(user.id, sha256: storedPhoto.sha256, mimeType: storedPhoto.mimeType, on: database)
                user.photoSHA256 = storedPhoto.sha256
                user.photoType = storedPhoto.mimeType
            }
            if let language {
                try await AccountRepository.setPreferredLanguage(user.id, language: language, on: database)
                user.preferredLanguage = language
            }
            let (token, secret) = try await TokenRepository.create(name: "sign-up", for: .user(id: user.id), on: database, now: now)
            return Session(user: user, token: token, secret: secret)
        }
    }

    private func checkUsable(_ signup: Signup) throws(WorkflowError) {
        if signup.completedAt != nil {
            throw WorkflowError(.gone, code: "signup_used", "this sign-up link was already used; sign in with POST /v1/sessions")
        }
        if signup.expiresAt < Timestamp.format(policy.clock()) {
            throw WorkflowError(.gone, code: "signup_expired", "this sign-up link has expired; ask for a new one with POST /v1/signup")
        }
    }

    /// `POST /v1/sessions`: e-mail and password for a new bearer token. Unknown address and
    /// wrong password get the same answer, after the same amount of work.
    public func signIn(email rawEmail: String, password: String, tokenName: String?) async throws -> Session {
        let email = (try? InputRules.email(rawEmail)) ?? ""
        let credentials = email.isEmpty ? nil : try await store.withSession { try await AccountRepository.credentials(email: email, on: $0) }
        guard password.utf8.count <= 1024, try await policy.hasher.verify(password, against: credentials?.passwordHash), let user = credentials?.0 else {
            throw WorkflowError(.unauthenticated, code: "invalid_credentials", "wrong e-mail address or password")
        }
        let name = try tokenName.map { name throws(WorkflowError) in try InputRules.text(name, field: "token_name") } ?? "session"
        let now = policy.clock()
        return try await store.transaction { database in
            let (token, secret) = try await TokenRepository.create(name: name, for: .user(id: user.id), on: database, now: now)
            return Session(user: user, token: token, secret: secret)
        }
    }

    /// A user's account, or `not_found`.
    public func user(_ id: String) async throws -> UserAccount {
        guard let user = try await store.withSession({ try await AccountRepository.user(id: id, on: $0) }) else {
            throw WorkflowError.notFound("user")
        }
        return user
    }

    /// Changes the caller's name or title.
    public func updateProfile(userID: String, fullName: String?, jobTitle: String?) async throws -> UserAccount {
        let fullName = try fullName.map { name throws(WorkflowError) in try InputRules.text(name, field: "full_name") }
        let jobTitle = try jobTitle.map { title throws(WorkflowError) in try InputRules.text(title, field: "job_title") }
        try await store.transaction { try await AccountRepository.updateProfile(userID, fullName: fullName, jobTitle: jobTitle, on: $0) }
        return try await user(userID)
    }

    /// The profile as the portal's settings form writes it: full name (required), job title
    /// (empty clears it) and preferred language (`en` or `fr`; nil leaves it as it is).
    public func saveProfile(userID: String, fullName rawName: String, jobTitle rawTitle: String, preferredLanguage: String?) async throws -> UserAccount {
        let fullName = try InputRules.text(rawName, field: "full_name")
        let trimmedTitle = rawTitle.trimmingWhitespace()
        let jobTitle = trimmedTitle.isEmpty ? nil : try InputRules.text(rawTitle, field: "job_title")
        if let preferredLanguage { try Self.checkLanguage(preferredLanguage) }
        try await store.transaction {
            try await AccountRepository.replaceProfile(userID, fullName: fullName, jobTitle: jobTitle, preferredLanguage: preferredLanguage, on: $0)
        }
        return try await user(userID)
    }

    /// Remembers the language a person chose (the portal's language switch), for the pages
    /// they read without a language cookie and for the e-mails sent to them.
    public func setPreferredLanguage(userID: String, language: String) async throws {
        try Self.checkLanguage(language)
        try await store.transaction { try await AccountRepository.setPreferredLanguage(userID, language: language, on: $0) }
    }

    /// A language pages and e-mails are written in, or `invalid_language`.
    static func checkLanguage(_ language: String) throws(WorkflowError) {
        guard MailComposer.languages.contains(language) else {
            throw WorkflowError(.invalid, code: "invalid_language", "language must be one of \(MailComposer.languages.joined(separator: ", "))")
        }
    }

    /// Takes the photo off the caller's profile.
    public func removePhoto(userID: String) async throws -> UserAccount {
        try await store.transaction { try await AccountRepository.removePhoto(userID, on: $0) }
        return try await user(userID)
    }

    /// Replaces the caller's profile photo, after the worker pool has sniffed it.
    public func setPhoto(userID: String, photo: Photo) async throws -> UserAccount {
        let stored = try await storePhoto(photo)
        try await store.transaction { try await AccountRepository.setPhoto(userID, sha256: stored.sha256, mimeType: stored.mimeType, on: $0) }
        return try await user(userID)
    }

    /// The caller's photo and its type, or `not_found`.
    public func photo(userID: String) async throws -> (bytes: [UInt8], mimeType: String) {
        let user = try await user(userID)
        guard let sha256 = user.photoSHA256, let type = user.photoType, let bytes = try await store.blobs.get(sha256) else {
            throw WorkflowError.notFound("photo")
        }
        return (bytes, type)
    }

    /// Sniffs a photo in a worker (libmagic + the image decoder, as for certificates) and keeps
    /// it only if it is a well-formed PNG or JPEG.
    private func storePhoto(_ photo: Photo) async throws -> (sha256: String, mimeType: String) {
        guard photo.bytes.count <= policy.maxPhotoBytes else {
            throw WorkflowError(.invalid, code: "photo_too_large", "a profile photo may have at most \(policy.maxPhotoBytes / 1024 / 1024) MiB")
        }
        var limits = IntakeLimits()
        limits.maxPages = 1
        let inspection = await inspector.inspect(
            photo.bytes, declared: DeclaredType(fileName: photo.fileName, mimeType: photo.declaredType),
            claims: CompanyClaims(), limits: limits, previews: .none
        )
        let mime = inspection.sniffedMIME
        // A plain-coloured photo is fine; every other refusal (corrupt, polyglot, too large…) is not.
        let refusals = inspection.reasons.filter { $0 != .noContent }
        guard mime == "image/png" || mime == "image/jpeg", refusals.isEmpty else {
            let reasons = refusals.isEmpty ? "" : " (\(refusals.map(\.rawValue).joined(separator: ", ")))"
            throw WorkflowError(.invalid, code: "invalid_photo", "a profile photo must be a PNG or JPEG image; this file is \(mime)\(reasons)")
        }
        let sha256 = try await store.blobs.put(photo.bytes)
        return (sha256, mime)
    }
}
