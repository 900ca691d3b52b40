using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AaiProxy.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class KeyLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ActivatesAt",
                table: "ServerKeys",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<byte[]>(
                name: "Certificate",
                table: "ServerKeys",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RetiresAt",
                table: "ServerKeys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "ServerKeys",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_ServerKeys_Usage_Algorithm_Version",
                table: "ServerKeys",
                columns: new[] { "Usage", "Algorithm", "Version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ServerKeys_Usage_Algorithm_Version",
                table: "ServerKeys");

            migrationBuilder.DropColumn(
                name: "ActivatesAt",
                table: "ServerKeys");

            migrationBuilder.DropColumn(
                name: "Certificate",
                table: "ServerKeys");

            migrationBuilder.DropColumn(
                name: "RetiresAt",
                table: "ServerKeys");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "ServerKeys");
        }
    }
}
