//! `spotify.com.json`: OAuth 2.0, tag sub-clients, allOf-heavy schemas, limit/offset paging.

use crate::prism::{Mode, Prism};
use crate::run::{Known, Run, conformance_test};
use crate::{BoxError, TOKEN};

conformance_test!(spotify, "../spec/real/spotify.com.json", KNOWN, calls);

const KNOWN: &[Known] = &[];

async fn calls(run: &mut Run<'_>) -> Result<(), BoxError> {
    let client = api::Client::builder()
        .base_url(run.url())
        .bearer_token(TOKEN)
        .build()?;
    // Lists.
    let albums = client.albums();
    let releases = albums.get_new_releases().country("SE").limit(10).offset(5);
    run.call("get-new-releases", releases.await);
    let tracks = albums
        .get_an_albums_tracks("4aawyAB9vmqN3uQ7FjRGTy")
        .market("ES")
        .limit(10);
    run.call("get-an-albums-tracks", tracks.await);
    run.call(
        "get-users-saved-tracks",
        client.tracks().get_users_saved_tracks().limit(20).await,
    );
    // Gets.
    run.call(
        "get-an-album",
        albums
            .get_an_album("4aawyAB9vmqN3uQ7FjRGTy")
            .market("ES")
            .await,
    );
    run.call(
        "get-an-artist",
        client
            .artists()
            .get_an_artist("0TnOYISbd1XYRBk9myaseg")
            .await,
    );
    run.call(
        "get-track",
        client.tracks().get_track("11dFghVXANMlKmJXsNCbNl").await,
    );
    run.call(
        "get-playlist",
        client
            .playlists()
            .get_playlist("3cEYpjA9oz9GiPac4AsH4n")
            .market("ES")
            .await,
    );
    run.call(
        "get-current-users-profile",
        client.users().get_current_users_profile().await,
    );
    // Creates.
    let playlist = api::types::CreatePlaylistBody {
        name: "New Playlist".to_owned(),
        description: Some("New playlist description".to_owned()),
        public: Some(false),
        collaborative: None,
        additional_properties: Default::default(),
    };
    run.call(
        "create-playlist",
        client
            .playlists()
            .create_playlist("smedjan")
            .body(&playlist)
            .await,
    );
    run.call(
        "save-tracks-user",
        client
            .tracks()
            .save_tracks_user("7ouMYWpwJ422jRcDASZB7P,4VqPOruhp5EdPBeR92t6lQ")
            .await,
    );
    run.call(
        "add-to-queue",
        client
            .player()
            .add_to_queue("spotify:track:4iV5W9uYEdYUVa79Axb7Rh")
            .await,
    );
    Ok(())
}

/// The harness itself can fail: a request Prism rejects (`limit` above the documented
/// maximum of 50) and one without credentials both show up as unexplained problems.
/// (The typed API rules most invalid requests out; a number range is one it cannot.)
#[tokio::test]
async fn a_bad_request_is_reported() -> Result<(), BoxError> {
    let prism = Prism::start(DOCUMENT, false).await?;
    let mut run = Run::new(DOCUMENT, Mode::Static, &prism);
    let client = api::Client::builder()
        .base_url(run.url())
        .bearer_token(TOKEN)
        .build()?;
    run.call(
        "too many",
        client.albums().get_new_releases().limit(51).await,
    );
    let anonymous = api::Client::builder().base_url(run.url()).build()?;
    run.call(
        "anonymous",
        anonymous.tracks().get_track("11dFghVXANMlKmJXsNCbNl").await,
    );
    let report = run.finish(KNOWN);
    assert_eq!(report.request_violations, 2, "{report}");
    assert_eq!(report.status_failures, 2, "{report}");
    let text = report.unexplained.join("\n");
    assert!(text.contains("too many: request violation"), "{text}");
    assert!(text.contains("anonymous: request violation"), "{text}");
    assert!(
        text.contains("anonymous: error status: server returned 401"),
        "{text}"
    );
    Ok(())
}
