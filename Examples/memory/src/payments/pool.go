// Package payments holds payments-api's access to the payments-db cluster.
package payments

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// Pool limits for payments-api. They come from the connection budget for the
// payments-db cluster (decisions/0001-per-service-connection-pool-limits.md):
// 240 connections for this service and at most 16 pods, so 15 per pod.
// Change the budget first, then these numbers; never the other way round.
const (
	maxOpenConns    = 15
	maxIdleConns    = 5
	connMaxLifetime = 30 * time.Minute
	connMaxIdleTime = 5 * time.Minute

	// acquireTimeout bounds how long a request waits for a free connection.
	// Answering 503 quickly beats queueing until the client's 30 s timeout.
	acquireTimeout = 250 * time.Millisecond
)

// OpenPool opens the payments-db pool with explicit limits. The database/sql
// default for MaxOpenConns is 0, which means "unlimited" (PM-0001).
func OpenPool(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open payments-db: %w", err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxLifetime(connMaxLifetime)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	return db, nil
}

// Conn takes a connection from the pool and gives up after acquireTimeout.
// The caller must Close the connection to return it to the pool.
func Conn(ctx context.Context, db *sql.DB) (*sql.Conn, error) {
	waitCtx, cancel := context.WithTimeout(ctx, acquireTimeout)
	defer cancel()
	conn, err := db.Conn(waitCtx)
	if err != nil {
		return nil, fmt.Errorf("payments-db pool: no connection within %s: %w", acquireTimeout, err)
	}
	return conn, nil
}
