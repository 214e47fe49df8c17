//! `ebay.com__sell-fulfillment.json`: OAuth 2.0 client credentials, a server URL with a
//! variable, numbers sent as strings, two path parameters in one path.

use serde_json::json;

use crate::run::{Known, Run, conformance_test};
use crate::{BoxError, TOKEN};

conformance_test!(
    ebay_sell_fulfillment,
    "../spec/real/ebay.com__sell-fulfillment.json",
    KNOWN,
    calls
);

const KNOWN: &[Known] = &[];

async fn calls(run: &mut Run<'_>) -> Result<(), BoxError> {
    let client = api::Client::builder()
        .base_url(run.url())
        .bearer_token(TOKEN)
        .build()?;
    let orders = client.order();
    let fulfillments = client.shipping_fulfillment();
    let disputes = client.payment_dispute();
    // Lists.
    run.call(
        "getOrders",
        orders.get_orders().limit("10").offset("0").await,
    );
    let filtered = orders
        .get_orders()
        .filter("orderfulfillmentstatus:{NOT_STARTED|IN_PROGRESS}")
        .field_groups("TAX_BREAKDOWN");
    run.call("getOrders filter", filtered.await);
    run.call(
        "getShippingFulfillments",
        fulfillments
            .get_shipping_fulfillments("6498414015!260000000562911")
            .await,
    );
    let summaries = disputes
        .get_payment_dispute_summaries()
        .payment_dispute_status("OPEN")
        .limit("25");
    run.call("getPaymentDisputeSummaries", summaries.await);
    // Gets.
    run.call(
        "getOrder",
        orders.get_order("6498414015!260000000562911").await,
    );
    let one = fulfillments
        .get_shipping_fulfillment("9405509699937003457459", "6498414015!260000000562911");
    run.call("getShippingFulfillment", one.await);
    run.call(
        "getPaymentDispute",
        disputes.get_payment_dispute("5000012345").await,
    );
    // Creates.
    let shipment: api::types::ShippingFulfillmentDetails = serde_json::from_value(json!({
        "lineItems": [{"lineItemId": "6254458009", "quantity": 1}],
        "shippedDate": "2024-05-01T10:00:00.000Z",
        "shippingCarrierCode": "USPS",
        "trackingNumber": "9405509699937003457459",
    }))?;
    run.call(
        "createShippingFulfillment",
        fulfillments
            .create_shipping_fulfillment("6498414015!260000000562911", &shipment)
            .await,
    );
    let refund: api::types::IssueRefundRequest = serde_json::from_value(json!({
        "reasonForRefund": "BUYER_CANCEL",
        "comment": "Out of stock",
        "orderLevelRefundAmount": {"value": "10.00", "currency": "USD"},
    }))?;
    run.call(
        "issueRefund",
        orders
            .issue_refund("6498414015!260000000562911")
            .body(&refund)
            .await,
    );
    Ok(())
}
