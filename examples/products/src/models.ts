import { Type } from 'class-transformer';

/** A row of the Products table. */
export class Product {
  ProductID!: number;
  Name!: string;
  Cost!: number;
}

/** The body of addproductswithmapping: ingested into Products through the item_to_product_json mapping. */
export class Item {
  ItemID!: number;
  ItemName!: string;
  ItemCost!: number;
}

/** A row of the ProductsChangeLog table. */
export class ProductChangeLog {
  ProductID!: number;
  // class-transformer turns Kusto's ISO datetime text into a Date, and back on ingestion.
  @Type(() => Date)
  CreatedAt!: Date;
}

/** A row of the ProductsExport table, written by the timer-triggered export. */
export class ProductExport extends Product {
  @Type(() => Date)
  ExportedAt!: Date;
}
