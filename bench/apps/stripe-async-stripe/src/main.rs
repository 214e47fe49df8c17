//! Twenty Stripe calls with async-stripe, each decoded into its types; the same calls as
//! `stripe-ours`. Built by bench/apps/run.sh, never run.

use stripe::Client;
use stripe_billing::invoice::{ListInvoice, RetrieveInvoice};
use stripe_billing::subscription::ListSubscription;
use stripe_core::balance::RetrieveForMyAccountBalance;
use stripe_core::charge::ListCharge;
use stripe_core::customer::{
    CreateCustomer, DeleteCustomer, ListCustomer, RetrieveCustomer, RetrieveCustomerReturned,
    UpdateCustomer,
};
use stripe_core::payment_intent::{
    ConfirmPaymentIntent, CreatePaymentIntent, ListPaymentIntent, RetrievePaymentIntent,
};
use stripe_core::refund::{CreateRefund, ListRefund};
use stripe_product::price::{CreatePrice, ListPrice};
use stripe_product::product::{CreateProduct, ListProduct};
use stripe_types::Currency;

/// The harness changes this line to time a rebuild after a one-line edit.
const EDIT: &str = "edit 0";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("{EDIT}");
    let mut builder = stripe::ClientBuilder::new(std::env::var("STRIPE_API_KEY")?);
    if let Ok(url) = std::env::var("STRIPE_BASE_URL") {
        builder = builder.url(url);
    }
    let stripe: Client = builder.build()?;

    // 1. Create a customer.
    let customer = CreateCustomer::new()
        .name("Jenny Rosen")
        .email("jenny@example.com")
        .send(&stripe)
        .await?;
    println!("1 customer {}", customer.id);
    // 2. Retrieve it.
    match RetrieveCustomer::new(&customer.id).send(&stripe).await? {
        RetrieveCustomerReturned::Customer(c) => println!("2 customer {:?}", c.email),
        RetrieveCustomerReturned::DeletedCustomer(c) => println!("2 deleted {}", c.id),
    }
    // 3. Update it.
    let updated = UpdateCustomer::new(&customer.id)
        .description("A regular")
        .send(&stripe)
        .await?;
    println!("3 customer {:?}", updated.description);
    // 4. List customers.
    let customers = ListCustomer::new().limit(10).send(&stripe).await?;
    println!(
        "4 customers {} (more: {})",
        customers.data.len(),
        customers.has_more
    );
    // 5. List charges.
    let charges = ListCharge::new().limit(10).send(&stripe).await?;
    println!("5 charges {:?}", charges.data.first().map(|c| c.amount));
    // 6. Create a payment intent.
    let intent = CreatePaymentIntent::new(2000, Currency::USD)
        .customer(customer.id.as_str())
        .description("Order 42")
        .send(&stripe)
        .await?;
    println!("6 payment intent {}", intent.id);
    // 7. Retrieve it.
    let intent = RetrievePaymentIntent::new(&intent.id).send(&stripe).await?;
    println!("7 payment intent {:?}", intent.status);
    // 8. Confirm it.
    let confirmed = ConfirmPaymentIntent::new(&intent.id)
        .payment_method("pm_card_visa")
        .return_url("https://example.com/return")
        .send(&stripe)
        .await?;
    println!("8 payment intent {:?}", confirmed.status);
    // 9. List payment intents.
    let intents = ListPaymentIntent::new().limit(10).send(&stripe).await?;
    println!("9 payment intents {}", intents.data.len());
    // 10. Refund the payment.
    let refund = CreateRefund::new()
        .payment_intent(confirmed.id.as_str())
        .amount(500)
        .send(&stripe)
        .await?;
    println!("10 refund {} {:?}", refund.id, refund.status);
    // 11. List refunds.
    let refunds = ListRefund::new().limit(10).send(&stripe).await?;
    println!("11 refunds {:?}", refunds.data.first().map(|r| r.amount));
    // 12. Create a product.
    let product = CreateProduct::new("Gold plan")
        .description("The best plan")
        .send(&stripe)
        .await?;
    println!("12 product {}", product.id);
    // 13. List products.
    let products = ListProduct::new().limit(10).send(&stripe).await?;
    println!("13 products {:?}", products.data.first().map(|p| &p.name));
    // 14. Create a price.
    let price = CreatePrice::new(Currency::USD)
        .product(product.id.as_str())
        .unit_amount(1500)
        .send(&stripe)
        .await?;
    println!("14 price {} {:?}", price.id, price.unit_amount);
    // 15. List prices.
    let prices = ListPrice::new().limit(10).send(&stripe).await?;
    println!("15 prices {}", prices.data.len());
    // 16. List invoices.
    let invoices = ListInvoice::new().limit(10).send(&stripe).await?;
    println!("16 invoices {:?}", invoices.data.first().map(|i| &i.number));
    // 17. Retrieve an invoice.
    let invoice = RetrieveInvoice::new("in_123").send(&stripe).await?;
    println!("17 invoice {:?}", invoice.status);
    // 18. Retrieve the balance.
    let balance = RetrieveForMyAccountBalance::new().send(&stripe).await?;
    println!(
        "18 balance {:?}",
        balance.available.first().map(|a| a.amount)
    );
    // 19. List subscriptions.
    let subscriptions = ListSubscription::new()
        .customer(customer.id.as_str())
        .limit(10)
        .send(&stripe)
        .await?;
    println!(
        "19 subscriptions {:?}",
        subscriptions.data.first().map(|s| &s.status)
    );
    // 20. Delete the customer.
    let deleted = DeleteCustomer::new(&customer.id).send(&stripe).await?;
    println!("20 deleted {}", deleted.id);
    Ok(())
}
