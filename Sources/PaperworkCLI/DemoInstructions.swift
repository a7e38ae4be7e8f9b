import Workflow

/// What `paperwork serve` prints after creating the demo data: the secrets, where to start in
/// a browser (and where the sign-up e-mail lands), and a walk through the API with curl that
/// works as printed.
enum DemoInstructions {
    static func text(_ demo: DemoData.Credentials, base: String, outbox: String?, catalog: String?) -> String {
        let mailbox = outbox.map { "ls \($0)/   # each e-mail is an .eml file" } ?? "(e-mails go to the configured SMTP server)"
        return """

            Demo data created (first start with an empty database; DEMO_DATA=false turns this off).
            These secrets are shown once; they are also in demo-credentials.txt in the data directory.

              demo company:   Demo Networks Ltd (id \(demo.companyID)), admin \(demo.adminEmail)
              admin password: \(demo.adminPassword)
              admin token:    \(demo.adminToken)
              operator token: \(demo.operatorToken)
              reviewer token: \(demo.reviewerToken)
              catalog:        \(catalog ?? "empty (import one: paperwork catalog import FILE)")

            In a browser (English or French):
              open \(base)/ and create an account; the confirmation e-mail arrives as an .eml file:
              \(outbox.map { "grep -ho 'http[^[:space:]]*/signup/complete?token=[^[:space:]]*' \($0)/*.eml   # the newest link is the last line" } ?? "(in the configured mailbox)")
              or sign in at \(base)/signin as \(demo.adminEmail) with the admin password above
              reviewers: \(base)/console with the reviewer token

            Or through the API:
              ADMIN='\(demo.adminToken)'
              curl -s -H "Authorization: Bearer $ADMIN" \(base)/v1/me
              curl -s -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \\
                   -d '{"email":"colleague@example.com","role":"technical"}' \(base)/v1/companies/\(demo.companyID)/invitations
              curl -s -H 'Content-Type: application/json' -d '{"email":"you@example.com"}' \(base)/v1/signup
              \(mailbox)
              curl -s -H "Authorization: Bearer $ADMIN" '\(base)/v1/datacenters?q=paris'
              open \(base)/console and sign in with the reviewer token to review uploads
            The README's walkthrough continues from here (sign-up, company, invitations).

            """
    }
}
