//! Seed data: the team, two account links (and, on request, more) and three known prospects
//! (all fictional).

/// The emulated team's id.
pub const TEAM_ID: &str = "team1emulator";
/// The Inbox user behind the API token (`message.userId`).
pub const USER_ID: &str = "user1emulator";

/// A connected X account messages are sent from.
#[derive(Debug, Clone)]
pub struct AccountLink {
    pub id: &'static str,
    pub platform_id: &'static str,
    pub name: &'static str,
    pub username: &'static str,
    pub created_at: &'static str,
}

/// A prospect profile (seeded, or synthesised for an unknown numeric X id).
#[derive(Debug, Clone)]
pub struct Prospect {
    pub platform_id: String,
    pub external_id: String,
    pub document_id: u64,
    pub display_name: String,
    pub username: String,
    pub bio: Option<String>,
    pub location: Option<String>,
    pub website_url: Option<String>,
    pub verified: &'static str,
    pub profile_type: &'static str,
    pub follower_count: u64,
    pub following_count: u64,
    pub post_count: u64,
    pub favorites_count: u64,
    pub listed_count: u64,
    pub platform_created_at: &'static str,
    pub first_seen_at: &'static str,
    pub tags: Vec<&'static str>,
    pub valuation: Option<u64>,
    pub notes: Option<&'static str>,
    /// Created at runtime (cleared by reset).
    pub synthesised: bool,
}

/// The seeded account links.
pub fn account_links() -> Vec<AccountLink> {
    vec![
        AccountLink {
            id: "acct1sales",
            platform_id: "1690000000000000001",
            name: "Northwind Sales",
            username: "northwind_sales",
            created_at: "2024-03-01T09:00:00.000Z",
        },
        AccountLink {
            id: "acct2founder",
            platform_id: "1690000000000000002",
            name: "Dana Okafor",
            username: "dana_builds",
            created_at: "2024-03-02T10:30:00.000Z",
        },
    ]
}

/// `count` more account links (`acct01bulk`, `acct02bulk`, ...), made once at start-up for
/// tests with many senders. Their texts live for the whole run.
pub fn bulk_account_links(count: usize) -> Vec<AccountLink> {
    let leak = |text: String| -> &'static str { Box::leak(text.into_boxed_str()) };
    (1..=count)
        .map(|n| AccountLink {
            id: leak(format!("acct{n:02}bulk")),
            platform_id: leak(format!("{}", 1_690_000_000_000_001_000u64 + n as u64)),
            name: leak(format!("Bulk Sender {n}")),
            username: leak(format!("bulk_sender_{n}")),
            created_at: "2024-04-01T09:00:00.000Z",
        })
        .collect()
}

/// The seeded prospects.
pub fn prospects() -> Vec<Prospect> {
    vec![
        Prospect {
            platform_id: "1566123362161725440".into(),
            external_id: "p1maya".into(),
            document_id: 858_224_163,
            display_name: "Maya Lindqvist".into(),
            username: "mayabuilds".into(),
            bio: Some("Head of growth at Fjordline (fictional). Writing about B2B sales and cold outreach.".into()),
            location: Some("Stockholm, Sweden".into()),
            website_url: Some("https://fjordline.example".into()),
            verified: "verified",
            profile_type: "personal",
            follower_count: 3068,
            following_count: 288,
            post_count: 836,
            favorites_count: 2613,
            listed_count: 18,
            platform_created_at: "2022-09-03T17:58:06.000Z",
            first_seen_at: "2024-07-09T14:08:49.000Z",
            tags: vec!["tag1warm"],
            valuation: Some(599),
            notes: Some("Met at a (fictional) SaaS meetup; interested in the team plan."),
            synthesised: false,
        },
        Prospect {
            platform_id: "1420000000000000042".into(),
            external_id: "p2theo".into(),
            document_id: 858_224_164,
            display_name: "Theo Marchetti".into(),
            username: "theo_ships".into(),
            bio: Some("Indie hacker. Shipping tiny tools for big teams.".into()),
            location: Some("Milan, Italy".into()),
            website_url: None,
            verified: "none",
            profile_type: "personal",
            follower_count: 412,
            following_count: 501,
            post_count: 2210,
            favorites_count: 9120,
            listed_count: 3,
            platform_created_at: "2021-06-14T08:12:40.000Z",
            first_seen_at: "2024-09-21T11:00:00.000Z",
            tags: vec![],
            valuation: None,
            notes: None,
            synthesised: false,
        },
        Prospect {
            platform_id: "987654321012345678".into(),
            external_id: "p3priya".into(),
            document_id: 858_224_165,
            display_name: "Priya Raman".into(),
            username: "priyaraman".into(),
            bio: Some("CTO @ Lumen Labs (fictional). Databases, distributed systems, chai.".into()),
            location: Some("Bengaluru, India".into()),
            website_url: Some("https://lumenlabs.example/team".into()),
            verified: "business",
            profile_type: "business",
            follower_count: 18_450,
            following_count: 730,
            post_count: 5402,
            favorites_count: 11_020,
            listed_count: 241,
            platform_created_at: "2018-02-27T16:45:00.000Z",
            first_seen_at: "2025-01-15T09:30:00.000Z",
            tags: vec!["tag2enterprise", "tag3followup"],
            valuation: Some(12_000),
            notes: Some("Evaluating vendors in Q3."),
            synthesised: false,
        },
    ]
}

/// A placeholder prospect for an unknown (numeric) X user id.
pub fn synthesise_prospect(platform_id: &str) -> Prospect {
    Prospect {
        platform_id: platform_id.to_string(),
        external_id: format!("ext{platform_id}"),
        document_id: 0,
        display_name: format!("User {platform_id}"),
        username: format!("user{platform_id}"),
        bio: None,
        location: None,
        website_url: None,
        verified: "none",
        profile_type: "personal",
        follower_count: 0,
        following_count: 0,
        post_count: 0,
        favorites_count: 0,
        listed_count: 0,
        platform_created_at: "2023-01-01T00:00:00.000Z",
        first_seen_at: "2025-01-01T00:00:00.000Z",
        tags: vec![],
        valuation: None,
        notes: None,
        synthesised: true,
    }
}
