//! `mux.com.json`: HTTP basic auth, page/limit paging, `name[]` array query parameters,
//! request bodies with nested optional objects.

use serde_json::json;

use crate::BoxError;
use crate::run::{Known, Run, conformance_test};

conformance_test!(mux, "../spec/real/mux.com.json", KNOWN, calls);

const KNOWN: &[Known] = &[];

async fn calls(run: &mut Run<'_>) -> Result<(), BoxError> {
    let client = api::Client::builder()
        .base_url(run.url())
        .basic_auth("token-id", "token-secret")
        .build()?;
    let assets = client.assets();
    let live = client.live_streams();
    // Lists.
    run.call("list-assets", assets.list_assets().limit(10).page(2).await);
    let active = api::types::LiveStreamStatus::Active;
    run.call(
        "list-live-streams",
        live.list_live_streams().status(&active).await,
    );
    run.call(
        "list-direct-uploads",
        client.direct_uploads().list_direct_uploads().await,
    );
    let views = client
        .video_views()
        .list_video_views()
        .filters(&["country:US".to_owned(), "browser:Chrome".to_owned()])
        .timeframe(&["24:hours".to_owned()])
        .limit(5);
    run.call("list-video-views", views.await);
    // Gets.
    run.call(
        "get-asset",
        assets.get_asset("01itgOBvgjAbES7Inwvu4kEBtsQ44HFL6").await,
    );
    run.call(
        "get-live-stream",
        live.get_live_stream("ZEBrNTpHC02iUah025KM3te6ylM7W4S4silsrFtUkn3Ag")
            .await,
    );
    run.call(
        "get-direct-upload",
        client.direct_uploads().get_direct_upload("abcd1234").await,
    );
    // Creates.
    let asset: api::types::CreateAssetRequest = serde_json::from_value(json!({
        "input": [{"url": "https://muxed.s3.amazonaws.com/leds.mp4"}],
        "playback_policy": ["public"],
        "mp4_support": "standard",
    }))?;
    run.call("create-asset", assets.create_asset(&asset).await);
    let stream: api::types::CreateLiveStreamRequest = serde_json::from_value(json!({
        "playback_policy": ["public"],
        "new_asset_settings": {"playback_policy": ["public"]},
        "reconnect_window": 60.0,
        "latency_mode": "low",
    }))?;
    run.call("create-live-stream", live.create_live_stream(&stream).await);
    run.call(
        "create-signing-key",
        client.signing_keys().create_signing_key().await,
    );
    Ok(())
}
