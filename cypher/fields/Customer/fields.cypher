// Customer.fields: its custom fields, the properties beyond the model's ($model: their
// names), each {key, value} with the value as text (the API sorts them by key).
[{{key}} IN keys({{this}}) WHERE NOT {{key}} IN $model
 | {key: {{key}}, value: toString({{this}}[{{key}}])}]
