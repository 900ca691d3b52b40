using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AaiProxy.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KeyLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ActivatesAt",
                table: "ServerKeys",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<byte[]>(
                name: "Certificate",
                table: "ServerKeys",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RetiresAt",
                table: "ServerKeys",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "ServerKeys",
                type: "INTEGER",
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
