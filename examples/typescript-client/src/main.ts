// A frontend's first steps against Sportello, typed by the client generated from the OpenAPI
// document (src/api.d.ts, made by `make typescript-client`, never edited by hand). CI only
// type-checks it (tsc --noEmit): when the document changes a field this program uses, the build
// breaks here, before a frontend finds out. Run against a system, it logs in, searches the
// catalog, adds the first hit to the active cart and reads an order.
import createClient from "openapi-fetch";
import type { components, paths } from "./api";

type Money = components["schemas"]["Money"];
type Order = components["schemas"]["Order"];

// Money is a decimal string with its currency ("319.51" EUR): never parsed into a float, so the
// type says string, and a document calling it a number breaks this line.
function formatMoney(money: Money): string {
  const amount: string = money.amount;
  return `${amount} ${money.currency}`;
}

export async function firstSteps(baseUrl: string, email: string, password: string, orderNumber: string): Promise<Order> {
  const api = createClient<paths>({ baseUrl });

  const login = await api.POST("/api/v1/auth/login", { body: { identifier: email, password } });
  if (login.error !== undefined || login.data === undefined) {
    throw new Error(`login refused: ${login.response.status}`);
  }
  const headers = { Authorization: `Bearer ${login.data.token}` };
  console.log(`signed in as ${login.data.customer?.customer_number ?? email}`);

  const search = await api.GET("/api/v1/catalog/products", {
    params: { query: { q: "drill", per_page: 10, sort: "relevance" } },
  });
  if (search.data === undefined) {
    throw new Error(`search failed: ${search.response.status}`);
  }
  const page = search.data;
  console.log(`page ${page.page} of ${page.pages}: ${page.total} products`);
  const hit = page.items[0];
  if (hit === undefined) {
    throw new Error("nothing found");
  }
  console.log(`${hit.code} ${hit.name}: ${formatMoney(hit.price)} (${hit.stock_status})`);

  const added = await api.POST("/api/v1/cart/items", {
    headers: { ...headers, "Idempotency-Key": `add-${hit.code}-${Date.now()}` },
    body: { code: hit.code, quantity: 2 },
  });
  if (added.data === undefined) {
    throw new Error(`add to cart failed: ${added.response.status}`);
  }
  const total = added.data.cart?.totals?.total;
  console.log(`cart total ${total ? formatMoney(total) : "unknown"}`);

  const order = await api.GET("/api/v1/orders/{number}", {
    params: { path: { number: orderNumber } },
    headers,
  });
  if (order.data === undefined) {
    throw new Error(`no order ${orderNumber}: ${order.response.status}`);
  }
  for (const line of order.data.lines ?? []) {
    console.log(`${line.quantity} x ${line.name} at ${line.unit_price} ${order.data.currency ?? ""}`);
  }
  console.log(`${order.data.number}: ${order.data.customer_status}, ${order.data.total ? formatMoney(order.data.total) : ""}`);
  return order.data;
}
