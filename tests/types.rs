//! Decoding and encoding of the request and response types with serde_json (native).

use inbox_sender::types::{
    MessageOrigin, Platform, ProfileType, ProspectSource, ThreadStatus, ThreadVariant, Verified,
};
use inbox_sender::{Recipient, SendMessageRequest, SendMessageResponse};
use serde_json::{json, Value};

const SEED: &str = include_str!("fixtures/seed-response.json");
const FULL: &str = include_str!("fixtures/full-schema-response.json");
const NULLS: &str = include_str!("fixtures/nulls-response.json");
const SEED_REQUEST: &str = include_str!("fixtures/seed-request.json");

/// Every property of `components.schemas.*` in the vendor's v1 OpenAPI document, by JSON
/// pointer of the object in the full-schema fixture that must carry it.
const SCHEMA_FIELDS: &[(&str, &[&str])] = &[
    (
        "/message",
        &[
            "platform",
            "teamId",
            "threadId",
            "id",
            "userId",
            "createdAt",
            "updatedAt",
            "platformId",
            "content",
            "campaignId",
            "authorId",
            "origin",
            "replyData",
            "forwardData",
            "entities",
            "attachment",
            "reactions",
            "isEncrypted",
            "isEdited",
            "deletedAt",
            "platformDeletedAt",
        ],
    ),
    (
        "/thread",
        &[
            "id",
            "platform",
            "platformId",
            "done",
            "assigneeId",
            "lastMessageTimestamp",
            "computedSortTimestamp",
            "createdAt",
            "status",
            "variant",
            "accountLinkId",
            "isSyncing",
            "isRequest",
            "typingIndicatorsEnabled",
            "lastMessage",
            "prospect",
        ],
    ),
    (
        "/thread/lastMessage",
        &[
            "id",
            "content",
            "authorId",
            "createdAt",
            "userId",
            "campaignId",
        ],
    ),
    (
        "/thread/prospect",
        &[
            "platform",
            "platformId",
            "externalId",
            "documentId",
            "displayName",
            "username",
            "handle",
            "image",
            "imageNormalized",
            "bio",
            "location",
            "profileUrl",
            "websiteUrl",
            "websiteDomain",
            "verified",
            "profileType",
            "isProtected",
            "followerCount",
            "followingCount",
            "postCount",
            "engagementCount",
            "listedCount",
            "platformCreatedAt",
            "firstSeenAt",
            "lastUpdatedAt",
            "lastEnrichedAt",
            "lastActiveAt",
            "source",
            "isFresh",
            "isStale",
            "confidence",
            "platformData",
            "context",
        ],
    ),
    (
        "/thread/prospect/platformData",
        &[
            "isVerifiedBlue",
            "isVerifiedGold",
            "isVerifiedGray",
            "professionalCategory",
            "urlEntities",
            "bannerUrl",
            "tweetsCount",
            "favoritesCount",
            "rawData",
        ],
    ),
    (
        "/thread/prospect/platformData/urlEntities/0",
        &["url", "expandedUrl", "displayUrl", "indices"],
    ),
    (
        "/thread/prospect/context",
        &["tags", "statusId", "valuation", "notes"],
    ),
];

fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is valid JSON")
}

fn decode(value: &Value) -> Result<SendMessageResponse, serde_json::Error> {
    serde_json::from_value(value.clone())
}

/// Every number as f64, so `858224163` and `858224163.0` compare equal (the crate stores
/// numbers as `f64`).
fn normalize(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().expect("finite number")),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        other => other,
    }
}

/// Sets the value at a JSON pointer (the parent must exist).
fn set(root: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    let parent = root
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no parent for {pointer}"));
    parent
        .as_object_mut()
        .unwrap_or_else(|| panic!("parent of {pointer} is not an object"))
        .insert(key.to_owned(), value);
}

/// Removes the value at a JSON pointer.
fn remove(root: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    let removed = root
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .and_then(|map| map.remove(key));
    assert!(removed.is_some(), "{pointer} was not present");
}

// ---------------------------------------------------------------------------------------------
// Fixtures

/// A decoded answer encoded again, as the server's body: without the `meta` the client adds
/// (a decoded body's is the default, which a round trip must not invent values for).
fn body_of<T: serde::Serialize>(decoded: &T) -> Value {
    let mut encoded = serde_json::to_value(decoded).unwrap();
    if let Some(object) = encoded.as_object_mut() {
        if let Some(meta) = object.remove("meta") {
            assert_eq!(meta, json!({ "status": 0, "attempts": 0 }));
        }
    }
    encoded
}

#[test]
fn seed_response_decodes() {
    let response = decode(&parse(SEED)).expect("the seed example decodes");
    let message = &response.message;
    assert_eq!(message.id, "<string>");
    assert_eq!(message.content, "<string>");
    assert_eq!(message.platform, Some(Platform::Twitter));
    assert_eq!(message.origin, Some(MessageOrigin::Internal));
    assert_eq!(message.platform_id.as_deref(), Some("1234567890"));
    assert_eq!(message.user_id.as_deref(), Some("df6jbw4h36..."));
    assert_eq!(message.created_at.as_deref(), Some("2023-11-07T05:31:56Z"));
    assert_eq!(message.reply_data, Some(json!("<unknown>")));
    assert_eq!(message.reactions, Some(vec![json!("<unknown>")]));
    // The seed omits these although the OpenAPI calls them required.
    assert_eq!(message.is_edited, None);
    assert_eq!(message.forward_data, None);

    let thread = &response.thread;
    assert_eq!(thread.id, "<string>");
    assert_eq!(thread.status, Some(ThreadStatus::Active));
    assert_eq!(thread.done, Some(true));
    assert_eq!(thread.platform_id, None, "the seed omits thread.platformId");
    assert_eq!(thread.variant, None, "the seed omits thread.variant");
    let last = thread.last_message.as_ref().expect("lastMessage");
    assert_eq!(last.created_at.as_deref(), Some("2023-11-07T05:31:56Z"));

    let prospect = thread.prospect.as_ref().expect("prospect");
    assert_eq!(prospect.platform, Some(Platform::Twitter));
    assert_eq!(
        prospect.external_id.as_deref(),
        Some("l44e15irdq4db30i77cgphhx")
    );
    assert_eq!(prospect.document_id, Some(858_224_163.0));
    assert_eq!(prospect.location.as_deref(), Some("San Francisco, CA"));
    assert_eq!(prospect.verified, Some(Verified::None));
    assert_eq!(prospect.profile_type, Some(ProfileType::Personal));
    assert_eq!(prospect.source, Some(ProspectSource::Cached));
    assert_eq!(prospect.is_protected, Some(true));
    assert_eq!(prospect.engagement_count, Some(2613.0));
    assert_eq!(prospect.confidence, Some(0.5));
    let data = prospect.platform_data.as_ref().expect("platformData");
    assert_eq!(data.professional_category.as_deref(), Some("986"));
    assert_eq!(data.raw_data, Some(json!({})));
    let entities = data.url_entities.as_ref().expect("urlEntities");
    assert_eq!(entities.len(), 1);
    assert_eq!(entities[0].indices, Some(vec![123.0, 123.0]));
    let context = prospect.context.as_ref().expect("context");
    assert_eq!(context.tags, Some(vec!["<string>".to_owned()]));
    assert_eq!(context.valuation, Some(599.0));
}

#[test]
fn seed_response_round_trips() {
    let original = parse(SEED);
    let response = decode(&original).unwrap();
    let encoded = body_of(&response);
    assert_eq!(normalize(encoded), normalize(original));
}

#[test]
fn full_schema_fixture_has_every_openapi_field() {
    let full = parse(FULL);
    for (pointer, fields) in SCHEMA_FIELDS {
        let object = full
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{pointer} is not an object in the fixture"));
        for field in *fields {
            let value = object
                .get(*field)
                .unwrap_or_else(|| panic!("fixture {pointer} lacks {field}"));
            assert!(!value.is_null(), "fixture {pointer}/{field} is null");
        }
        assert_eq!(
            object.len(),
            fields.len(),
            "{pointer} has fields beyond the schema"
        );
    }
}

#[test]
fn full_schema_response_decodes_every_field() {
    let original = parse(FULL);
    let response = decode(&original).expect("full-schema response decodes");
    // Every schema field survives decode + encode: none is dropped or renamed.
    let encoded = body_of(&response);
    for (pointer, fields) in SCHEMA_FIELDS {
        for field in *fields {
            let path = format!("{pointer}/{field}");
            assert!(encoded.pointer(&path).is_some(), "{path} lost in decode");
        }
    }
    assert_eq!(normalize(encoded), normalize(original));

    let message = &response.message;
    assert_eq!(message.id, "msg0001");
    assert_eq!(
        message.content,
        "Hey 👋, \"quoted\" \\ back\nslash — مرحبا — e\u{301}"
    );
    assert_eq!(message.origin, Some(MessageOrigin::Api));
    assert_eq!(message.is_edited, Some(true));
    assert_eq!(message.is_encrypted, Some(false));
    assert_eq!(
        message.forward_data,
        Some(json!({ "from": "someone", "depth": 1 }))
    );
    assert_eq!(
        message.platform_deleted_at.as_deref(),
        Some("2025-08-23T00:00:05.000Z")
    );
    assert_eq!(message.reactions.as_ref().map(Vec::len), Some(3));

    let thread = &response.thread;
    assert_eq!(thread.variant, Some(ThreadVariant::XChat));
    assert_eq!(thread.status, Some(ThreadStatus::Idle));
    assert_eq!(thread.typing_indicators_enabled, Some(true));
    assert_eq!(thread.is_request, Some(true));
    assert_eq!(
        thread.platform_id.as_deref(),
        Some("1566123362161725440-1958000000000000000")
    );
    assert_eq!(
        thread
            .last_message
            .as_ref()
            .and_then(|m| m.content.as_deref()),
        Some("Hey there")
    );

    let prospect = thread.prospect.as_ref().unwrap();
    assert_eq!(prospect.verified, Some(Verified::Business));
    assert_eq!(prospect.profile_type, Some(ProfileType::Government));
    assert_eq!(prospect.source, Some(ProspectSource::Merged));
    assert_eq!(prospect.handle.as_deref(), Some("@InboxApp_"));
    assert_eq!(prospect.confidence, Some(0.85));
    let data = prospect.platform_data.as_ref().unwrap();
    assert_eq!(data.is_verified_gold, Some(true));
    assert_eq!(
        data.raw_data
            .as_ref()
            .and_then(|raw| raw.pointer("/legacy/followers_count")),
        Some(&json!(3068))
    );
    let context = prospect.context.as_ref().unwrap();
    assert_eq!(context.status_id.as_deref(), Some("status0001"));
    assert_eq!(context.tags.as_ref().map(Vec::len), Some(2));
}

#[test]
fn nulls_response_decodes_with_none_everywhere() {
    let response = decode(&parse(NULLS)).expect("nulls response decodes");
    assert_eq!(response.message.id, "msg0001");
    assert_eq!(response.message.content, "hi");
    assert_eq!(response.thread.id, "thread0001");
    let message = &response.message;
    assert_eq!(message.user_id, None);
    assert_eq!(message.origin, None);
    assert_eq!(
        message.reply_data, None,
        "null replyData is None, not Some(Null)"
    );
    assert_eq!(message.forward_data, None);
    assert_eq!(message.reactions, None);
    assert_eq!(message.is_edited, None);
    assert_eq!(message.platform, None);
    let thread = &response.thread;
    assert_eq!(thread.last_message, None);
    assert_eq!(thread.prospect, None);
    assert_eq!(thread.typing_indicators_enabled, None);
    assert_eq!(thread.variant, None);
    // Nothing but the identity fields is left: every other field is None.
    let encoded = body_of(&response);
    assert_eq!(
        encoded,
        json!({ "message": { "id": "msg0001", "content": "hi" }, "thread": { "id": "thread0001" } })
    );
}

/// Every optional field of the full-schema fixture set to `null` at once, nested objects
/// included: all decode as `None` and none is serialised back.
#[test]
fn every_optional_field_null_decodes_and_is_skipped() {
    let mut value = parse(FULL);
    // Null the leaves of the nested objects first, then the fields of the outer ones.
    for (pointer, fields) in SCHEMA_FIELDS.iter().rev() {
        for field in *fields {
            let path = format!("{pointer}/{field}");
            let identity = matches!(
                path.as_str(),
                "/message/id" | "/message/content" | "/thread/id"
            );
            if !identity && value.pointer(&path).is_some() {
                let mut copy = value.clone();
                set(&mut copy, &path, Value::Null);
                let decoded =
                    decode(&copy).unwrap_or_else(|e| panic!("{path}: null failed to decode: {e}"));
                let encoded = body_of(&decoded);
                assert!(
                    encoded.pointer(&path).is_none(),
                    "{path}: null was serialised back as {:?}",
                    encoded.pointer(&path)
                );
            }
        }
    }
    // And all at once, innermost first.
    for (pointer, fields) in SCHEMA_FIELDS.iter().rev() {
        if value.pointer(pointer).is_none() {
            continue;
        }
        for field in *fields {
            let path = format!("{pointer}/{field}");
            if !matches!(
                path.as_str(),
                "/message/id" | "/message/content" | "/thread/id"
            ) {
                set(&mut value, &path, Value::Null);
            }
        }
    }
    let decoded = decode(&value).expect("all-null response decodes");
    assert_eq!(
        body_of(&decoded),
        json!({
            "message": { "id": "msg0001", "content": decoded.message.content },
            "thread": { "id": "thread0001" }
        })
    );
}

#[test]
fn nested_objects_with_every_field_null_decode_as_empty() {
    // A prospect (and its nested objects) present but with all fields null.
    const NESTED: &[&str] = &[
        "/thread/prospect",
        "/thread/prospect/platformData",
        "/thread/prospect/context",
        "/thread/lastMessage",
        "/thread/prospect/platformData/urlEntities/0",
    ];
    for pointer in NESTED {
        let mut value = parse(FULL);
        let keys: Vec<String> = value
            .pointer(pointer)
            .and_then(Value::as_object)
            .unwrap()
            .keys()
            .cloned()
            .collect();
        for key in keys {
            set(&mut value, &format!("{pointer}/{key}"), Value::Null);
        }
        let decoded = decode(&value).unwrap_or_else(|e| panic!("{pointer}: {e}"));
        let encoded = body_of(&decoded);
        assert_eq!(
            encoded.pointer(pointer),
            Some(&json!({})),
            "{pointer}: all-null object should encode as {{}}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Strict identity fields

#[test]
fn identity_fields_are_required() {
    const CASES: &[&str] = &[
        "/message/id",
        "/message/content",
        "/thread/id",
        "/message",
        "/thread",
    ];
    for pointer in CASES {
        for base in [SEED, FULL, NULLS] {
            let mut value = parse(base);
            remove(&mut value, pointer);
            assert!(decode(&value).is_err(), "missing {pointer} decoded");
        }
    }
    // Null or the wrong type is refused as well.
    type Make = fn() -> Value;
    const WRONG: &[(&str, Make)] = &[
        ("/message/id", || Value::Null),
        ("/message/content", || Value::Null),
        ("/thread/id", || Value::Null),
        ("/message/id", || json!(42)),
        ("/message/content", || json!(["a"])),
        ("/thread/id", || json!({})),
    ];
    for (pointer, make) in WRONG {
        let mut value = parse(NULLS);
        set(&mut value, pointer, make());
        assert!(decode(&value).is_err(), "{pointer} = {} decoded", make());
    }
}

#[test]
fn minimal_response_decodes() {
    let value = json!({ "message": { "id": "m", "content": "" }, "thread": { "id": "t" } });
    let response = decode(&value).expect("only identity fields decodes");
    assert_eq!(response.message.id, "m");
    assert_eq!(response.message.content, "");
    assert_eq!(response.thread.id, "t");
}

// ---------------------------------------------------------------------------------------------
// Open enums and forward compatibility

/// `(pointer, unknown value)`; the known-values table below covers the rest.
const UNKNOWN_ENUMS: &[(&str, &str)] = &[
    ("/message/platform", "linkedin"),
    ("/message/origin", "campaign"),
    ("/thread/platform", "bluesky"),
    ("/thread/status", "snoozed"),
    ("/thread/variant", "newKind"),
    ("/thread/prospect/platform", "Twitter"),
    ("/thread/prospect/verified", "superstar"),
    ("/thread/prospect/profileType", "bot"),
    ("/thread/prospect/source", "scraped"),
    ("/thread/prospect/verified", ""),
    ("/thread/prospect/source", "live ✨"),
];

/// Reads an enum at `pointer` from a decoded response as `(as_str, is Other)`.
fn enum_at(response: &SendMessageResponse, pointer: &str) -> Option<(String, bool)> {
    let prospect = response.thread.prospect.as_ref();
    macro_rules! read {
        ($e:expr, $ty:ident) => {
            $e.map(|v| (v.as_str().to_owned(), matches!(v, $ty::Other(_))))
        };
    }
    match pointer {
        "/message/platform" => read!(response.message.platform.as_ref(), Platform),
        "/message/origin" => read!(response.message.origin.as_ref(), MessageOrigin),
        "/thread/platform" => read!(response.thread.platform.as_ref(), Platform),
        "/thread/status" => read!(response.thread.status.as_ref(), ThreadStatus),
        "/thread/variant" => read!(response.thread.variant.as_ref(), ThreadVariant),
        "/thread/prospect/platform" => read!(prospect.and_then(|p| p.platform.as_ref()), Platform),
        "/thread/prospect/verified" => read!(prospect.and_then(|p| p.verified.as_ref()), Verified),
        "/thread/prospect/profileType" => {
            read!(prospect.and_then(|p| p.profile_type.as_ref()), ProfileType)
        }
        "/thread/prospect/source" => {
            read!(prospect.and_then(|p| p.source.as_ref()), ProspectSource)
        }
        other => panic!("no enum at {other}"),
    }
}

#[test]
fn unknown_enum_values_decode_as_other_and_serialise_unchanged() {
    for (pointer, text) in UNKNOWN_ENUMS {
        let mut value = parse(FULL);
        set(&mut value, pointer, json!(text));
        let response =
            decode(&value).unwrap_or_else(|e| panic!("{pointer} = {text:?} failed: {e}"));
        assert_eq!(
            enum_at(&response, pointer),
            Some((text.to_string(), true)),
            "{pointer} = {text:?}"
        );
        let encoded = body_of(&response);
        assert_eq!(
            encoded.pointer(pointer),
            Some(&json!(text)),
            "{pointer} re-encoded"
        );
    }
}

#[test]
fn unknown_enum_values_are_kept_verbatim_in_other() {
    let mut value = parse(NULLS);
    set(&mut value, "/message/platform", json!("linkedin"));
    set(&mut value, "/thread/variant", json!("newKind"));
    let response = decode(&value).unwrap();
    assert_eq!(
        response.message.platform,
        Some(Platform::Other("linkedin".into()))
    );
    assert_eq!(
        response.thread.variant,
        Some(ThreadVariant::Other("newKind".into()))
    );
    assert_eq!(
        serde_json::to_string(&Verified::Other("superstar".into())).unwrap(),
        "\"superstar\""
    );
    assert_eq!(
        serde_json::from_str::<Verified>("\"superstar\"").unwrap(),
        Verified::Other("superstar".into())
    );
}

#[test]
fn known_enum_values_decode_to_their_variant() {
    const KNOWN: &[(&str, &str)] = &[
        ("/message/platform", "twitter"),
        ("/message/origin", "internal"),
        ("/message/origin", "external"),
        ("/message/origin", "api"),
        ("/thread/status", "active"),
        ("/thread/status", "idle"),
        ("/thread/variant", "unencrypted"),
        ("/thread/variant", "xChat"),
        ("/thread/prospect/verified", "none"),
        ("/thread/prospect/verified", "verified"),
        ("/thread/prospect/verified", "business"),
        ("/thread/prospect/verified", "government"),
        ("/thread/prospect/profileType", "personal"),
        ("/thread/prospect/profileType", "business"),
        ("/thread/prospect/profileType", "government"),
        ("/thread/prospect/source", "cached"),
        ("/thread/prospect/source", "indexed"),
        ("/thread/prospect/source", "live"),
        ("/thread/prospect/source", "merged"),
    ];
    for (pointer, text) in KNOWN {
        let mut value = parse(FULL);
        set(&mut value, pointer, json!(text));
        let response = decode(&value).unwrap_or_else(|e| panic!("{pointer} = {text}: {e}"));
        assert_eq!(
            enum_at(&response, pointer),
            Some((text.to_string(), false)),
            "{pointer} = {text:?} should be a known variant"
        );
        let encoded = body_of(&response);
        assert_eq!(encoded.pointer(pointer), Some(&json!(text)));
    }
    assert_eq!(
        serde_json::from_str::<ThreadVariant>("\"xChat\"").unwrap(),
        ThreadVariant::XChat
    );
}

#[test]
fn enum_that_is_not_a_string_decodes_as_absent() {
    // A delivered DM is never an error because a field the caller did not ask for
    // changed type.
    for bad in [json!(1), json!(true), json!({}), json!(["twitter"])] {
        let mut value = parse(NULLS);
        set(&mut value, "/message/platform", bad.clone());
        let response = decode(&value).unwrap_or_else(|e| panic!("platform = {bad}: {e}"));
        assert_eq!(response.message.platform, None, "platform = {bad}");
    }
}

#[test]
fn every_optional_field_of_the_wrong_type_decodes_as_absent() {
    // Each optional field of the full fixture, given a value of a type it cannot have.
    let full = parse(FULL);
    let mut pointers = Vec::new();
    collect_pointers(&full, String::new(), &mut pointers);
    let identity = [
        "/message",
        "/message/id",
        "/message/content",
        "/thread",
        "/thread/id",
    ];
    let mut checked = 0;
    for pointer in pointers.iter().filter(|p| !identity.contains(&p.as_str())) {
        let original = full.pointer(pointer).unwrap();
        // A number where anything but a number was, a string where a number was.
        let bad = if original.is_number() {
            json!("not a number")
        } else {
            json!(12345)
        };
        let mut value = full.clone();
        set(&mut value, pointer, bad);
        decode(&value).unwrap_or_else(|e| panic!("{pointer} mistyped: {e}"));
        checked += 1;
    }
    assert!(checked > 60, "only {checked} fields checked");
}

/// Every JSON pointer to a leaf or object member under `value`.
fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let pointer = format!("{at}/{key}");
                out.push(pointer.clone());
                collect_pointers(child, pointer, out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect_pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn unknown_extra_fields_are_tolerated() {
    const EXTRA: &[&str] = &[
        "/newTopLevel",
        "/message/newField",
        "/thread/newField",
        "/thread/lastMessage/newField",
        "/thread/prospect/newField",
        "/thread/prospect/platformData/newField",
        "/thread/prospect/platformData/urlEntities/0/newField",
        "/thread/prospect/context/newField",
    ];
    for pointer in EXTRA {
        let mut value = parse(FULL);
        set(&mut value, pointer, json!({ "nested": [1, "two", null] }));
        let response = decode(&value).unwrap_or_else(|e| panic!("{pointer}: {e}"));
        assert_eq!(response.message.id, "msg0001", "{pointer}");
    }
}

// ---------------------------------------------------------------------------------------------
// Untyped fields

#[test]
fn untyped_fields_accept_any_json() {
    const FIELDS: &[&str] = &[
        "/message/replyData",
        "/message/forwardData",
        "/message/entities",
        "/message/attachment",
        "/thread/prospect/platformData/rawData",
    ];
    let values = [
        json!({ "a": { "b": [1, 2] } }),
        json!([1, "two", { "three": null }]),
        json!("a string"),
        json!(42),
        json!(-1.5),
        json!(true),
        json!({}),
        json!([]),
    ];
    for pointer in FIELDS {
        for any in &values {
            let mut value = parse(FULL);
            set(&mut value, pointer, any.clone());
            let response = decode(&value).unwrap_or_else(|e| panic!("{pointer} = {any}: {e}"));
            let m = &response.message;
            let raw = response
                .thread
                .prospect
                .as_ref()
                .and_then(|p| p.platform_data.as_ref())
                .and_then(|d| d.raw_data.as_ref());
            let got = match *pointer {
                "/message/replyData" => m.reply_data.as_ref(),
                "/message/forwardData" => m.forward_data.as_ref(),
                "/message/entities" => m.entities.as_ref(),
                "/message/attachment" => m.attachment.as_ref(),
                _ => raw,
            };
            assert_eq!(got, Some(any), "{pointer}");
            let encoded = body_of(&response);
            assert_eq!(encoded.pointer(pointer), Some(any), "{pointer} re-encoded");
        }
    }
}

#[test]
fn reactions_items_accept_any_json() {
    let items = json!([{ "emoji": "👍" }, ["nested"], "text", 7, 2.5, false, null]);
    let mut value = parse(NULLS);
    set(&mut value, "/message/reactions", items.clone());
    let response = decode(&value).unwrap();
    assert_eq!(
        response.message.reactions.as_deref(),
        Some(items.as_array().unwrap().as_slice())
    );
    let encoded = body_of(&response);
    assert_eq!(encoded.pointer("/message/reactions"), Some(&items));
}

// ---------------------------------------------------------------------------------------------
// SendMessageRequest

#[test]
fn request_serialises_camel_case_with_only_present_ids() {
    let both = SendMessageRequest::new(
        "acct1",
        Recipient::Both {
            platform_id: "123".into(),
            external_id: "ext9".into(),
        },
        "hi",
    );
    let cases: [(&str, SendMessageRequest, Value); 3] = [
        (
            "to_platform_id",
            SendMessageRequest::to_platform_id("acct1", "123", "hi"),
            json!({ "accountLinkId": "acct1", "content": "hi", "externalPlatformId": "123" }),
        ),
        (
            "to_external_id",
            SendMessageRequest::to_external_id("acct1", "ext9", "hi"),
            json!({ "accountLinkId": "acct1", "content": "hi", "externalId": "ext9" }),
        ),
        (
            "Both",
            both,
            json!({
                "accountLinkId": "acct1",
                "content": "hi",
                "externalPlatformId": "123",
                "externalId": "ext9"
            }),
        ),
    ];
    for (name, request, expected) in cases {
        let encoded = serde_json::to_value(&request).unwrap();
        assert_eq!(encoded, expected, "{name}");
        let back: SendMessageRequest = serde_json::from_value(encoded).unwrap();
        assert_eq!(back, request, "{name} round trip");
        let text = serde_json::to_string(&request).unwrap();
        assert!(
            !text.contains("null"),
            "{name}: absent id serialised as null: {text}"
        );
        assert!(
            !text.contains("account_link_id"),
            "{name}: snake_case leaked"
        );
    }
}

#[test]
fn request_deserialises_each_recipient_shape() {
    const CASES: &[(&str, Option<&str>, Option<&str>)] = &[
        (
            r#"{"accountLinkId":"a","content":"c","externalPlatformId":"1"}"#,
            Some("1"),
            None,
        ),
        (
            r#"{"accountLinkId":"a","content":"c","externalId":"e"}"#,
            None,
            Some("e"),
        ),
        (
            r#"{"accountLinkId":"a","content":"c","externalPlatformId":"1","externalId":"e"}"#,
            Some("1"),
            Some("e"),
        ),
        (
            r#"{"accountLinkId":"a","content":"c","externalPlatformId":"1","externalId":null}"#,
            Some("1"),
            None,
        ),
    ];
    for (body, platform_id, external_id) in CASES {
        let request: SendMessageRequest =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("{body}: {e}"));
        assert_eq!(request.recipient.platform_id(), *platform_id, "{body}");
        assert_eq!(request.recipient.external_id(), *external_id, "{body}");
        assert_eq!(request.account_link_id, "a");
        assert_eq!(request.content, "c");
    }
    let seed: SendMessageRequest = serde_json::from_str(SEED_REQUEST).unwrap();
    assert_eq!(
        seed.recipient,
        Recipient::Both {
            platform_id: "<string>".into(),
            external_id: "<string>".into()
        }
    );
}

#[test]
fn request_deserialise_rejects_bad_bodies() {
    const CASES: &[(&str, &str)] = &[
        ("no recipient", r#"{"accountLinkId":"a","content":"c"}"#),
        (
            "both recipients null",
            r#"{"accountLinkId":"a","content":"c","externalPlatformId":null,"externalId":null}"#,
        ),
        (
            "unknown field",
            r#"{"accountLinkId":"a","content":"c","externalId":"e","extra":1}"#,
        ),
        (
            "snake_case field",
            r#"{"account_link_id":"a","content":"c","externalId":"e"}"#,
        ),
        (
            "missing accountLinkId",
            r#"{"content":"c","externalId":"e"}"#,
        ),
        (
            "missing content",
            r#"{"accountLinkId":"a","externalId":"e"}"#,
        ),
        (
            "content not a string",
            r#"{"accountLinkId":"a","content":5,"externalId":"e"}"#,
        ),
        (
            "recipient object",
            r#"{"accountLinkId":"a","content":"c","recipient":{"externalId":"e"}}"#,
        ),
    ];
    for (name, body) in CASES {
        let result = serde_json::from_str::<SendMessageRequest>(body);
        assert!(result.is_err(), "{name}: {body} decoded as {result:?}");
    }
    let error = serde_json::from_str::<SendMessageRequest>(CASES[0].1).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("externalPlatformId or externalId"),
        "error names the missing ids: {error}"
    );
}

#[test]
fn recipient_from_ids_and_accessors() {
    assert_eq!(Recipient::from_ids(None, None), None);
    assert_eq!(
        Recipient::from_ids(Some("1".into()), None),
        Some(Recipient::PlatformId("1".into()))
    );
    assert_eq!(
        Recipient::from_ids(None, Some("e".into())),
        Some(Recipient::ExternalId("e".into()))
    );
    let both = Recipient::from_ids(Some("1".into()), Some("e".into())).unwrap();
    assert_eq!(both.platform_id(), Some("1"));
    assert_eq!(both.external_id(), Some("e"));
    assert_eq!(Recipient::PlatformId("1".into()).external_id(), None);
    assert_eq!(Recipient::ExternalId("e".into()).platform_id(), None);
}
