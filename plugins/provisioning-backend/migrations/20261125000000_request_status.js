/*
 * The request status store: each request's current status and facts, and the history of its transitions with
 * where each was learnt (a webhook delivery, a poll, Flux, the watch cache).
 */

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('provisioning_requests', table => {
    table.comment('The current status and facts of each provisioning request');
    table
      .string('request_id', 255)
      .primary()
      .notNullable()
      .comment('The request id (the request branch)');
    table
      .string('status', 32)
      .notNullable()
      .comment('The current status, one of REQUEST_LIFECYCLE_STATUSES');
    table.integer('pull_request_number').nullable();
    table.text('pull_request_url').nullable();
    table
      .string('cluster', 63)
      .nullable()
      .comment('The cluster the request is for');
    table
      .string('merge_commit', 64)
      .nullable()
      .comment('The merge commit of its pull request');
    table
      .timestamp('updated_at', { useTz: true, precision: 3 })
      .notNullable()
      .comment('When the last transition happened');
    table.index(['status', 'updated_at'], 'provisioning_requests_status_idx');
  });

  await knex.schema.createTable('provisioning_request_transitions', table => {
    table.comment('Every status transition of a request, with its source');
    table.bigIncrements('id').primary();
    table
      .string('request_id', 255)
      .notNullable()
      .references('request_id')
      .inTable('provisioning_requests')
      .onDelete('CASCADE');
    table.string('from_status', 32).nullable();
    table.string('to_status', 32).notNullable();
    table
      .string('outcome', 16)
      .notNullable()
      .comment('recorded, or ignored for a refused transition');
    table.text('reason').nullable().comment('Why it was ignored');
    table
      .timestamp('at', { useTz: true, precision: 3 })
      .notNullable()
      .comment('When it happened, as the source tells');
    table.timestamp('recorded_at', { useTz: true, precision: 3 }).notNullable();
    table.string('source_kind', 16).notNullable();
    table
      .string('source_id', 255)
      .notNullable()
      .comment('The GitHub delivery id, commit, ... that told it');
    table.text('message').nullable();
    table.unique(['request_id', 'source_id'], {
      indexName: 'provisioning_request_transitions_source_idx',
    });
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('provisioning_request_transitions');
  await knex.schema.dropTable('provisioning_requests');
};
